using System.Buffers;
using System.Diagnostics;
using System.Diagnostics.Metrics;
using System.Globalization;
using System.Text;
using System.Text.Json;
using AuthzWebhook.Decisions;
using AuthzWebhook.DecisionStore;
using AuthzWebhook.Hosting;
using AuthzWebhook.IntegrationTests.Infrastructure;
using AuthzWebhook.Observability;
using AuthzWebhook.Storage.Postgres;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using Npgsql;

namespace AuthzWebhook.Benchmarks.Load;

/// <summary>
/// <c>store [--records 200000] [--batch 2000] [--rounds 3] [--durability both]</c>: how many decision records per
/// second reach Postgres. A throwaway Postgres gets the service's migrations and today's partitions; records shaped
/// like the service's (chained by <see cref="DecisionChainer"/>, serialised as <see cref="DecisionRecordWriter"/> does)
/// are stored (a) by <see cref="PostgresDecisionStore.WriteAsync"/> in batches, one after another as the single
/// writer sends them, and (b) through <see cref="DecisionStoreQueue"/> and <see cref="DecisionStoreWriter"/>, timed
/// from the first enqueue until the backlog is 0. Each round uses new records (new decision ids) on an emptied table.
/// </summary>
internal static class StoreRun
{
    public const string Usage = "store [--records 200000] [--batch 2000] [--rounds 3] [--durability off|on|both]";

    private static readonly string[] Namespaces = ["payments", "orders", "team-checkout", "team-search", "shared-ingress", "kube-system"];
    private static readonly string[] Templates = ["pod-debug", "deploy-rollout", "secret-read", "job-rerun", "node-drain"];
    private static readonly string[] Resources = ["pods", "deployments", "secrets", "jobs", "configmaps"];

    public static async Task<int> RunAsync(IReadOnlyList<string> args)
    {
        var (records, batch, rounds, durability) = Parse(args);
        await Console.Error.WriteLineAsync("store: starting Postgres");
        using var postgres = new LocalPostgres();
        var connectionString = RealEndpoint.CreateDatabase(postgres.AdminConnectionString, "authz_store");
        await using var dataSource = new NpgsqlDataSourceBuilder(connectionString).Build();
        await new MigrationRunner(dataSource, NullLogger<MigrationRunner>.Instance).ApplyAsync(MigrationRunner.DefaultDirectory, CancellationToken.None);
        var spoolDirectory = Directory.CreateTempSubdirectory("authz-bench-store-").FullName;
        var options = Options.Create(new DecisionStoreOptions
        {
            BatchSize = batch,
            // The whole round is enqueued at once: room for it in memory, so that (b) measures delivery, not the spool.
            MemoryCapacity = Math.Max(new DecisionStoreOptions().MemoryCapacity, records),
            SpoolPath = Path.Combine(spoolDirectory, "decisions.spool"),
        });
        await new DecisionPartitions(dataSource, options, TimeProvider.System, NullLogger<DecisionPartitions>.Instance).MaintainAsync(CancellationToken.None);

        var output = new StringBuilder();
        var culture = CultureInfo.InvariantCulture;
        output.AppendLine().AppendLine("## Decision records into Postgres").AppendLine()
            .AppendLine(culture, $"Machine: {LoadReport.Machine()}; Postgres and the writer share these CPUs")
            .AppendLine(culture, $"Load average at start: {LoadAverage()}")
            .AppendLine(culture, $"Settings: {records} records per round, batches of {batch}, {rounds} rounds per path after an untimed warm-up round, the table emptied and checkpointed before each round");

        try
        {
            // Off first: the durable settings need a restart, and stay.
            var variants = durability switch
            {
                "off" => new[] { false },
                "on" => [true],
                _ => [false, true],
            };
            var shape = Describe(Build(new DecisionChainer(), 2000, DateTimeOffset.UtcNow));
            output.AppendLine(culture, $"Records: {shape}").AppendLine();
            foreach (var durable in variants)
            {
                if (durable)
                {
                    await MakeDurableAsync(postgres, dataSource);
                }

                output.AppendLine(culture, $"### {(durable ? "Durable: fsync on, full_page_writes on, synchronous_commit on" : "As the tests run it: fsync off, full_page_writes off, synchronous_commit off")}").AppendLine()
                    .AppendLine(culture, $"Postgres: {await SettingsAsync(dataSource)}").AppendLine()
                    .AppendLine("| path | round | records | seconds | records/s | batch p50 | batch max |")
                    .AppendLine("|---|---:|---:|---:|---:|---:|---:|");
                // Untimed: JIT, the connection pool and Postgres's caches warm up on a round of their own.
                await Console.Error.WriteLineAsync("store: warm-up");
                await DirectAsync(dataSource, Math.Min(records, 20_000), batch, 0);
                await QueuedAsync(dataSource, options, Math.Min(records, 20_000), 0);
                var direct = new List<double>();
                var queued = new List<double>();
                for (var round = 1; round <= rounds; round++)
                {
                    await Console.Error.WriteLineAsync($"store: {(durable ? "durable" : "fsync off")}, round {round}, WriteAsync in batches");
                    var (rate, line) = await DirectAsync(dataSource, records, batch, round);
                    direct.Add(rate);
                    output.AppendLine(line);
                }

                for (var round = 1; round <= rounds; round++)
                {
                    await Console.Error.WriteLineAsync($"store: {(durable ? "durable" : "fsync off")}, round {round}, queue and writer");
                    var (rate, line) = await QueuedAsync(dataSource, options, records, round);
                    queued.Add(rate);
                    output.AppendLine(line);
                }

                output.AppendLine()
                    .AppendLine(culture, $"WriteAsync in batches: {Summary(direct)}")
                    .AppendLine(culture, $"Queue → writer → Postgres: {Summary(queued)}")
                    .AppendLine(culture, $"Target >= 20,000 records/s (slowest round of each path): {(Math.Min(direct.Min(), queued.Min()) >= 20_000 ? "met" : "NOT met")}")
                    .AppendLine();
            }

            output.AppendLine(culture, $"Spool (where records go once {new DecisionStoreOptions().MemoryCapacity} wait in memory): {SpoolAppendRate(spoolDirectory)}")
                .AppendLine(culture, $"Load average at end: {LoadAverage()}");
        }
        finally
        {
            Directory.Delete(spoolDirectory, recursive: true);
        }

        Console.WriteLine(output.ToString());
        return 0;
    }

    /// <summary>(a) One batch after another through the store, as the single writer sends them.</summary>
    private static async Task<(double Rate, string Line)> DirectAsync(NpgsqlDataSource dataSource, int count, int batch, int round)
    {
        var pending = await PrepareAsync(dataSource, count);
        var batches = new List<double>();
        var clock = Stopwatch.StartNew();
        for (var i = 0; i < pending.Count; i += batch)
        {
            var started = clock.Elapsed;
            await new PostgresDecisionStore(dataSource).WriteAsync(pending.GetRange(i, Math.Min(batch, pending.Count - i)), CancellationToken.None);
            batches.Add((clock.Elapsed - started).TotalMilliseconds);
        }

        var seconds = clock.Elapsed.TotalSeconds;
        await CheckStoredAsync(dataSource, count);
        batches.Sort();
        return (count / seconds, string.Create(
            CultureInfo.InvariantCulture,
            $"| WriteAsync, batches of {batch} | {round} | {count} | {seconds:0.00} | **{count / seconds:0}** | {batches[batches.Count / 2]:0.0} ms | {batches[^1]:0.0} ms |"));
    }

    /// <summary>(b) Everything enqueued at once, as a burst from the log writer would be; timed until the backlog is 0.</summary>
    private static async Task<(double Rate, string Line)> QueuedAsync(NpgsqlDataSource dataSource, IOptions<DecisionStoreOptions> options, int count, int round)
    {
        var pending = await PrepareAsync(dataSource, count);
        await using var metricsServices = new ServiceCollection().AddMetrics().BuildServiceProvider();
        var metrics = new AuthzMetrics(metricsServices.GetRequiredService<IMeterFactory>());
        using var queue = new DecisionStoreQueue(options);
        var writer = new DecisionStoreWriter(queue, new DecisionDelivery(new PostgresDecisionStore(dataSource), options, TimeProvider.System), options, metrics, NullLogger<DecisionStoreWriter>.Instance);
        await writer.StartAsync(CancellationToken.None);
        var clock = Stopwatch.StartNew();
        for (var i = 0; i < pending.Count; i++)
        {
            queue.Enqueue(pending[i]);
            if (i % 512 == 511)
            {
                // As the log writer does once per batch.
                queue.Flush();
            }
        }

        queue.Flush();

        var enqueued = clock.Elapsed;
        while (queue.Backlog > 0)
        {
            await Task.Delay(1);
        }

        var seconds = clock.Elapsed.TotalSeconds;
        await writer.StopAsync(CancellationToken.None);
        writer.Dispose();
        await CheckStoredAsync(dataSource, count);
        return (count / seconds, string.Create(
            CultureInfo.InvariantCulture,
            $"| queue → writer (all enqueued in {enqueued.TotalMilliseconds:0} ms) | {round} | {count} | {seconds:0.00} | **{count / seconds:0}** | - | - |"));
    }

    /// <summary>New records for one round, on an emptied table, with the garbage of the last round collected.</summary>
    private static async Task<List<PendingDecision>> PrepareAsync(NpgsqlDataSource dataSource, int count)
    {
        await ExecuteAsync(dataSource, "TRUNCATE decisions");
        await ExecuteAsync(dataSource, "CHECKPOINT");
        var pending = Build(new DecisionChainer(), count, DateTimeOffset.UtcNow);
        GC.Collect(GC.MaxGeneration, GCCollectionMode.Forced, blocking: true, compacting: true);
        GC.WaitForPendingFinalizers();
        return pending;
    }

    /// <summary>
    /// Records as the service writes them: about 70 % allows, 25 % no-opinion answers naming requestable templates and
    /// 5 % guardrail denials, chained in order and serialised by the same code as <see cref="DecisionRecordWriter"/>.
    /// </summary>
    internal static List<PendingDecision> Build(DecisionChainer chainer, int count, DateTimeOffset start)
    {
        var line = new ArrayBufferWriter<byte>(2048);
        using var json = new Utf8JsonWriter(line, new JsonWriterOptions { SkipValidation = true });
        var result = new List<PendingDecision>(count);
        var random = new Random(20_000);
        for (var i = 0; i < count; i++)
        {
            var now = start.AddTicks(i * 10L);
            var id = Guid.CreateVersion7(now);
            var user = $"oidc:user-{random.Next(5000):D4}@example.com";
            var ns = Namespaces[random.Next(Namespaces.Length)];
            var template = Templates[random.Next(Templates.Length)];
            var kind = random.Next(100);
            var elevation = kind < 70 ? Guid.CreateVersion7(now.AddMinutes(-10)) : (Guid?)null;
            var reason = kind switch
            {
                < 70 => DecisionReason.Allowed(id, elevation!.Value, template, now.AddMinutes(20)),
                < 95 => $"decision {id}: no active elevation covers this request; you may request pod-debug, deploy-rollout, job-rerun for namespace {ns}; run: kubectl elevate request pod-debug -n {ns} --for 30m --reason \"<why>\"",
                _ => $"decision {id}: denied by guardrail no-kube-system-secrets: Secrets in kube-system are never granted through elevations",
            };
            var record = new DecisionRecord
            {
                Time = DecisionReason.Rfc3339Micro(now),
                DecisionId = id,
                Decision = kind switch { < 70 => "allow", < 95 => "no_opinion", _ => "deny" },
                Reason = reason,
                ElevationId = elevation,
                Template = kind < 70 ? template : null,
                Guardrail = kind >= 95 ? "no-kube-system-secrets" : null,
                User = new DecisionUser(user, Guid.NewGuid().ToString(), ["oidc:sre", $"oidc:squad-{random.Next(40):D2}", "system:authenticated"], new Dictionary<string, string[]>()),
                Request = new DecisionRequest("resource", "get", string.Empty, "v1", Resources[random.Next(Resources.Length)], kind % 3 == 0 ? "log" : null, ns, $"api-{random.Next(100_000):x5}-x2kq", null),
                LatencyMicroseconds = 20 + random.Next(200),
                Instance = "authz-webhook-7d9f8b6c5-x4k2p",
                TraceId = Convert.ToHexStringLower(Guid.NewGuid().ToByteArray()),
            };
            var chained = chainer.Chain(record);
            JsonSerializer.Serialize(json, chained, AuthzJsonContext.Default.DecisionRecord);
            json.Flush();
            json.Reset();
            result.Add(new PendingDecision(chainer.Run, chained, line.WrittenSpan.ToArray()));
            line.ResetWrittenCount();
        }

        return result;
    }

    private static string Describe(List<PendingDecision> sample)
    {
        var lengths = sample.Select(p => p.Line.Length).Order().ToList();
        return string.Create(
            CultureInfo.InvariantCulture,
            $"JSON lines of {lengths[0]}–{lengths[^1]} bytes, mean {lengths.Average():0} (70 % allow, 25 % no opinion, 5 % deny; chained), for example:{Environment.NewLine}`{Encoding.UTF8.GetString(sample[0].Line)}`");
    }

    /// <summary>
    /// Restarts the server with durable settings. <see cref="LocalPostgres"/> sets fsync, full_page_writes and
    /// synchronous_commit off on its command line, which outranks ALTER SYSTEM; a restart without those options
    /// takes them from postgresql.auto.conf instead, where the listen address, port and socket directory go too.
    /// </summary>
    private static async Task MakeDurableAsync(LocalPostgres postgres, NpgsqlDataSource dataSource)
    {
        foreach (var name in new[] { "listen_addresses", "port", "unix_socket_directories" })
        {
            await using var show = dataSource.CreateCommand($"SELECT current_setting('{name}')");
            var value = (string)(await show.ExecuteScalarAsync())!;
            await ExecuteAsync(dataSource, $"ALTER SYSTEM SET {name} = '{value.Replace("'", "''", StringComparison.Ordinal)}'");
        }

        foreach (var name in new[] { "fsync", "full_page_writes", "synchronous_commit" })
        {
            await ExecuteAsync(dataSource, $"ALTER SYSTEM SET {name} = on");
        }

        dataSource.Clear();
        NpgsqlConnection.ClearAllPools();
        postgres.Stop();
        postgres.Start(durable: true);
    }

    private static async Task<string> SettingsAsync(NpgsqlDataSource dataSource)
    {
        string[] names = ["server_version", "fsync", "synchronous_commit", "full_page_writes", "wal_level", "shared_buffers", "max_wal_size", "checkpoint_timeout", "work_mem"];
        var parts = new List<string>();
        await using var connection = await dataSource.OpenConnectionAsync();
        foreach (var name in names)
        {
            await using var command = new NpgsqlCommand("SELECT current_setting($1)", connection) { Parameters = { new() { Value = name } } };
            parts.Add($"{name}={await command.ExecuteScalarAsync()}");
        }

        return string.Join(", ", parts) + "; data directory on ext4 (/tmp on the VM's disk)";
    }

    private static async Task CheckStoredAsync(NpgsqlDataSource dataSource, int expected)
    {
        await using var command = dataSource.CreateCommand("SELECT count(*) FROM decisions");
        var stored = (long)(await command.ExecuteScalarAsync())!;
        if (stored != expected)
        {
            throw new InvalidOperationException($"expected {expected} records in decisions, found {stored}");
        }
    }

    /// <summary>
    /// Every record is appended to the spool as it is written, handed to the operating system once per writer batch
    /// and put on disk about once a second: how fast is that here (a hand-off every 256 records, a sync every 4,096)?
    /// </summary>
    private static string SpoolAppendRate(string directory)
    {
        const int count = 20_000;
        const int flushEvery = 256;
        var records = Build(new DecisionChainer(), count, DateTimeOffset.UtcNow);
        using var spool = new DecisionSpool(Path.Combine(directory, "measure.spool"));
        var clock = Stopwatch.StartNew();
        for (var i = 0; i < records.Count; i++)
        {
            spool.Append(records[i]);
            if (i % flushEvery == flushEvery - 1)
            {
                spool.Flush();
                if (i % (flushEvery * 16) == flushEvery * 16 - 1)
                {
                    spool.SyncToDisk();
                }
            }
        }

        spool.Flush();
        spool.SyncToDisk();
        var seconds = clock.Elapsed.TotalSeconds;
        return string.Create(CultureInfo.InvariantCulture, $"{count} records appended one at a time, flushed to disk every {flushEvery}, in {seconds:0.00} s = {count / seconds:0} records/s");
    }

    private static async Task ExecuteAsync(NpgsqlDataSource dataSource, string sql)
    {
        await using var command = dataSource.CreateCommand(sql);
        await command.ExecuteNonQueryAsync();
    }

    private static string Summary(List<double> rates)
    {
        var sorted = rates.Order().ToList();
        return string.Create(CultureInfo.InvariantCulture, $"min {sorted[0]:0} / median {sorted[sorted.Count / 2]:0} / max {sorted[^1]:0} records/s");
    }

    private static string LoadAverage() => File.Exists("/proc/loadavg") ? string.Join(' ', File.ReadAllText("/proc/loadavg").Split(' ').Take(3)) : "unknown";

    private static (int Records, int Batch, int Rounds, string Durability) Parse(IReadOnlyList<string> args)
    {
        var (records, batch, rounds, durability) = (200_000, new DecisionStoreOptions().BatchSize, 3, "both");
        for (var i = 0; i < args.Count; i += 2)
        {
            if (i + 1 >= args.Count)
            {
                throw new ArgumentException($"{args[i]} needs a value; usage: {Usage}");
            }

            var value = args[i + 1];
            switch (args[i])
            {
                case "--records": records = Positive(args[i], value); break;
                case "--batch": batch = Positive(args[i], value); break;
                case "--rounds": rounds = Positive(args[i], value); break;
                case "--durability" when value is "off" or "on" or "both": durability = value; break;
                default: throw new ArgumentException($"unknown option or value {args[i]} {value}; usage: {Usage}");
            }
        }

        return (records, batch, rounds, durability);
    }

    private static int Positive(string name, string value) =>
        int.TryParse(value, NumberStyles.Integer, CultureInfo.InvariantCulture, out var n) && n > 0
            ? n
            : throw new ArgumentException($"{name} must be a positive whole number, got '{value}'");
}
