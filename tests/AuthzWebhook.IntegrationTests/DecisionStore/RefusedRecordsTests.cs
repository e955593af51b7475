using System.Globalization;
using System.Text.Json;
using System.Text.RegularExpressions;
using AuthzWebhook.Decisions;
using AuthzWebhook.DecisionStore;
using AuthzWebhook.Hosting;
using AuthzWebhook.IntegrationTests.Infrastructure;
using Npgsql;

namespace AuthzWebhook.IntegrationTests.DecisionStore;

/// <summary>
/// No record blocks the ones behind it: a value long in bytes is stored, a record Postgres refuses for good is set
/// aside (kept, counted), and a failure that may pass is still retried until the record is stored.
/// </summary>
public sealed partial class RefusedRecordsTests(TestServers servers) : IntegrationTest(servers)
{
    private static readonly string[] Groups = ["system:authenticated"];

    [Fact]
    public async Task A_user_name_long_in_utf8_bytes_is_stored_and_the_records_after_it_keep_flowing()
    {
        var server = await StartServerAsync();
        // 1,019 CJK characters pass the 1,024-character review limit (the uid the review also carries is 4 longer) and take
        // 3,057 bytes in UTF-8, past the ~2,704 a btree row holds; varied, so that Postgres cannot compress them under it.
        var user = string.Concat(Enumerable.Range(0, 1019).Select(i => (char)(0x4E00 + (i * 7919 % 20000))));

        var longUser = await ReviewAsync(server, user);
        var after = await ReviewAsync(server, "oidc:alice@example.com");

        await EventuallyAsync(async () => (await StoredAsync(after)).Count == 1, TimeSpan.FromSeconds(20), "the record after the long user name in Postgres");
        Assert.Equal([user], await StoredAsync(longUser));
        var found = await server.Service<DecisionReader>().ListAsync(new DecisionQuery(null, user, null, null, null, 10, null), 1024 * 1024, default);
        Assert.Equal(longUser, Assert.Single(found.Rows).Id);
        Assert.Equal(0, await RejectedCountAsync());
        Assert.Matches("Index.*md5", await PlanAsync("SELECT time FROM decisions WHERE md5(user_name) = md5('oidc:alice@example.com') AND user_name = 'oidc:alice@example.com' ORDER BY time DESC LIMIT 10"));
    }

    [Fact]
    public async Task In_one_batch_the_refused_records_are_found_set_aside_in_order_and_the_others_stored()
    {
        var server = await StartServerAsync();
        await FailInsertsAsync("decisions", "NEW.user_name LIKE 'oidc:refused-%'", "23514");
        var batch = Records("oidc:alice@example.com", "oidc:refused-1", "oidc:bob@example.com", "oidc:carol@example.com", "oidc:refused-2", "oidc:dave@example.com");

        var (refused, keptIn) = await server.Service<DecisionDelivery>().StoreAsync(batch, default);

        Assert.Equal(["oidc:refused-1", "oidc:refused-2"], refused.Select(r => r.Pending.Record.User.Name));
        Assert.All(refused, r => Assert.Equal("23514", r.SqlState));
        Assert.Equal("decisions_rejected", keptIn);
        Assert.Equal(2, await RejectedCountAsync());
        foreach (var stored in batch.Where(r => !r.Record.User.Name.StartsWith("oidc:refused-", StringComparison.Ordinal)))
        {
            Assert.Single(await StoredAsync(stored.Record.DecisionId));
        }
    }

    [Fact]
    public async Task Records_refused_even_in_decisions_rejected_are_kept_in_a_file_beside_the_spool()
    {
        var server = await StartServerAsync();
        await FailInsertsAsync("decisions", "NEW.user_name = 'oidc:refused@example.com'", "23514");
        await FailInsertsAsync("decisions_rejected", "true", "23514");
        var batch = Records("oidc:alice@example.com", "oidc:refused@example.com");
        var delivery = server.Service<DecisionDelivery>();

        var (refused, keptIn) = await delivery.StoreAsync(batch, default);

        Assert.Equal(delivery.RefusedPath, keptIn);
        var line = Assert.Single(File.ReadAllLines(delivery.RefusedPath));
        Assert.Equal(batch[1].Run.ToString("N") + "\t" + System.Text.Encoding.UTF8.GetString(batch[1].Line), line);
        Assert.Single(refused);
        Assert.Single(await StoredAsync(batch[0].Record.DecisionId));
    }

    [Fact]
    public async Task A_record_postgres_refuses_for_good_is_set_aside_counted_and_blocks_nothing()
    {
        var server = await StartServerAsync();
        await FailInsertsAsync("decisions", "NEW.user_name = 'oidc:refused@example.com'", "22023");

        var before = await ReviewAsync(server, "oidc:alice@example.com");
        var refused = await ReviewAsync(server, "oidc:refused@example.com");
        var after = await ReviewAsync(server, "oidc:bob@example.com");

        await EventuallyAsync(async () => (await StoredAsync(after)).Count == 1, TimeSpan.FromSeconds(20), "the record after the refused one in Postgres");
        Assert.Single(await StoredAsync(before));
        Assert.Empty(await StoredAsync(refused));

        // Kept whole, exactly as written to stdout, with why it was refused.
        var line = File.ReadLines(server.DecisionLogPath).Single(l => l.Contains(refused.ToString(), StringComparison.Ordinal));
        await using (var connection = new NpgsqlConnection(Database))
        {
            await connection.OpenAsync();
            await using var command = new NpgsqlCommand("SELECT sqlstate, convert_from(line, 'UTF8') FROM decisions_rejected WHERE decision_id = @id", connection);
            command.Parameters.AddWithValue("id", refused);
            await using var reader = await command.ExecuteReaderAsync();
            Assert.True(await reader.ReadAsync(), "the refused record is in decisions_rejected");
            Assert.Equal("22023", reader.GetString(0));
            Assert.Equal(line, reader.GetString(1));
        }

        Assert.Equal(1, await RejectedCountAsync());
        Assert.Equal(0, server.Service<DecisionStoreQueue>().Backlog);
        Assert.Equal(1, await RejectedMetricAsync(server));
    }

    [Fact]
    public async Task A_failure_that_may_pass_is_retried_until_the_record_is_stored()
    {
        var server = await StartServerAsync();
        // A sequence, not a table: its value survives the rollback of the failing attempt.
        await ExecuteAsync("CREATE SEQUENCE attempts_for_the_test");
        await FailInsertsAsync("decisions", "NEW.user_name = 'oidc:retried@example.com' AND nextval('attempts_for_the_test') <= 2", "40001");

        var retried = await ReviewAsync(server, "oidc:retried@example.com");

        await EventuallyAsync(async () => (await StoredAsync(retried)).Count == 1, TimeSpan.FromSeconds(20), "the record stored on a later attempt");
        Assert.Equal(0, await RejectedCountAsync());
        Assert.Equal(0, await RejectedMetricAsync(server));
    }

    private static async Task<Guid> ReviewAsync(WebhookServer server, string user)
    {
        var id = (await server.ReviewAsync(Reviews.Resource(user, Groups, "get", "pods", "payments"))).DecisionId;
        await server.WaitForRecordAsync(id);
        return id;
    }

    /// <summary>The user names stored with the decision id (none, or one).</summary>
    private async Task<List<string>> StoredAsync(Guid decisionId)
    {
        await using var connection = new NpgsqlConnection(Database);
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand("SELECT user_name FROM decisions WHERE decision_id = @id", connection);
        command.Parameters.AddWithValue("id", decisionId);
        await using var reader = await command.ExecuteReaderAsync();
        var users = new List<string>();
        while (await reader.ReadAsync())
        {
            users.Add(reader.GetString(0));
        }

        return users;
    }

    private async Task<long> RejectedCountAsync()
    {
        await using var connection = new NpgsqlConnection(Database);
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand("SELECT count(*) FROM decisions_rejected", connection);
        return (long)(await command.ExecuteScalarAsync())!;
    }

    /// <summary>A trigger that fails, with <paramref name="sqlState"/>, the inserts into <paramref name="table"/> of rows that meet <paramref name="condition"/>.</summary>
    private Task FailInsertsAsync(string table, string condition, string sqlState) => ExecuteAsync(
        $$"""
        CREATE FUNCTION fail_{{table}}_for_the_test() RETURNS trigger LANGUAGE plpgsql AS $$
        BEGIN
            IF {{condition}} THEN
                RAISE EXCEPTION 'failed for the test' USING ERRCODE = '{{sqlState}}';
            END IF;
            RETURN NEW;
        END $$;
        CREATE TRIGGER fail_for_the_test BEFORE INSERT ON {{table}} FOR EACH ROW EXECUTE FUNCTION fail_{{table}}_for_the_test();
        """);

    /// <summary>Chained records of one run, one per user, as the record writer hands them to the store.</summary>
    private static List<PendingDecision> Records(params string[] users)
    {
        var chainer = new DecisionChainer();
        return [.. users.Select(user =>
        {
            var record = chainer.Chain(new DecisionRecord
            {
                Time = DecisionReason.Rfc3339Micro(DateTimeOffset.UtcNow),
                DecisionId = Guid.CreateVersion7(),
                Decision = "no_opinion",
                Reason = "decision: none",
                User = new DecisionUser(user, string.Empty, [], new Dictionary<string, string[]>()),
                Request = new DecisionRequest("resource", "get", string.Empty, "v1", "pods", string.Empty, "payments", string.Empty, null),
                Instance = "test",
            });
            return new PendingDecision(chainer.Run, record, JsonSerializer.SerializeToUtf8Bytes(record, AuthzJsonContext.Default.DecisionRecord));
        })];
    }

    private async Task<string> PlanAsync(string query)
    {
        await using var connection = new NpgsqlConnection(Database);
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand($"SET enable_seqscan = off; EXPLAIN {query}", connection);
        await using var reader = await command.ExecuteReaderAsync();
        var plan = new List<string>();
        while (await reader.ReadAsync())
        {
            plan.Add(reader.GetString(0));
        }

        return string.Join("\n", plan);
    }

    private async Task ExecuteAsync(string sql)
    {
        await using var connection = new NpgsqlConnection(Database);
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand(sql, connection);
        await command.ExecuteNonQueryAsync();
    }

    /// <summary>authz.decision_records.rejected as Prometheus scrapes it; 0 before the first rejection.</summary>
    private static async Task<double> RejectedMetricAsync(WebhookServer server)
    {
        using var client = new HttpClient();
        var text = await client.GetStringAsync(new Uri($"http://127.0.0.1:{server.ManagementPort}/metrics"));
        var sample = RejectedSample().Match(text);
        return sample.Success ? double.Parse(sample.Groups[1].Value, CultureInfo.InvariantCulture) : 0;
    }

    [GeneratedRegex(@"^authz_decision_records_rejected_total(?:\{[^}]*\})? ([0-9.e+]+)", RegexOptions.Multiline)]
    private static partial Regex RejectedSample();
}
