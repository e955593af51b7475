using System.Net;
using System.Text.Json;
using AuthzWebhook.IntegrationTests.Infrastructure;

namespace AuthzWebhook.IntegrationTests.DecisionStore;

/// <summary>
/// GET /decisions/verify on a large table: each call checks a bounded number of records while streaming them, and
/// hands back a cursor that carries the chain across the page boundary.
/// </summary>
public sealed class BoundedVerifyTests(TestServers servers) : IntegrationTest(servers)
{
    [Fact]
    public async Task Verify_without_parameters_checks_at_most_a_page_and_the_cursor_covers_every_record_once_linking_across_pages()
    {
        var server = await StartServerAsync();
        using var auditor = server.CreateApiClient(Idp.TokenFor("erin@example.com", ["auditors"]));
        var a = await StoredChains.InsertAsync(Database, "replica-a", 20_000);
        await StoredChains.InsertAsync(Database, "replica-b", 10_000);

        var pages = await VerifyAllAsync(auditor, "/api/v1/decisions/verify");
        Assert.Equal(3, pages.Count);
        Assert.All(pages, p => Assert.True(p.GetProperty("records").GetInt64() <= 10_000, p.ToString()));
        Assert.Equal(30_000, pages.Sum(p => p.GetProperty("records").GetInt64()));
        Assert.All(pages, p => Assert.True(p.GetProperty("intact").GetBoolean(), p.ToString()));
        // Nothing is noted: a continuation picks up the chain where the page before left it, instead of noting that
        // its input begins in the middle of a chain.
        Assert.All(pages, p => Assert.Empty(p.GetProperty("notes").EnumerateArray()));
        Assert.Equal(JsonValueKind.Null, pages[^1].GetProperty("next_cursor").ValueKind);

        // The first record of the second page is replaced by one whose own hash is right but whose link is made up.
        await StoredChains.ForgeLinkAsync(Database, a[10_000]);
        var tampered = await VerifyAllAsync(auditor, "/api/v1/decisions/verify");
        Assert.True(tampered[0].GetProperty("intact").GetBoolean(), tampered[0].ToString());
        Assert.False(tampered[1].GetProperty("intact").GetBoolean());
        var problems = tampered[1].GetProperty("problems").EnumerateArray().ToList();
        Assert.Contains(problems, p => p.GetProperty("decision_id").GetString() == a[10_000].ToString() && p.GetProperty("kind").GetString() == "reorder");
    }

    [Fact]
    public async Task A_bad_cursor_is_refused_with_a_clear_message()
    {
        var server = await StartServerAsync();
        using var auditor = server.CreateApiClient(Idp.TokenFor("erin@example.com", ["auditors"]));
        await StoredChains.InsertAsync(Database, "replica-a", 30);
        var first = await auditor.GetJsonAsync("/api/v1/decisions/verify?limit=10");
        Assert.True(first.Status == HttpStatusCode.OK, first.ToString());
        var cursor = first.Body.GetProperty("next_cursor").GetString()!;

        foreach (var bad in new[] { "not-a-cursor", cursor[..^4], Flip(cursor, cursor.Length - 3), Flip(cursor, 3), new string('A', 5000) })
        {
            var refused = await auditor.GetJsonAsync($"/api/v1/decisions/verify?cursor={Uri.EscapeDataString(bad)}");
            Assert.True(refused.Status == HttpStatusCode.BadRequest, $"{bad}: {refused}");
            Assert.Contains("cursor", refused.Body.GetProperty("errors").GetProperty("cursor")[0].GetString()!, StringComparison.Ordinal);
        }

        var otherRange = await auditor.GetJsonAsync($"/api/v1/decisions/verify?cursor={cursor}&since=2020-01-01T00:00:00Z");
        Assert.Equal(HttpStatusCode.BadRequest, otherRange.Status);
        Assert.Equal(HttpStatusCode.BadRequest, (await auditor.GetJsonAsync("/api/v1/decisions/verify?limit=0")).Status);
        Assert.Equal(HttpStatusCode.BadRequest, (await auditor.GetJsonAsync("/api/v1/decisions/verify?limit=100001")).Status);

        var second = await auditor.GetJsonAsync($"/api/v1/decisions/verify?cursor={cursor}&limit=100");
        Assert.True(second.Status == HttpStatusCode.OK, second.ToString());
        Assert.Equal(20, second.Body.GetProperty("records").GetInt64());
        Assert.True(second.Body.GetProperty("intact").GetBoolean(), second.ToString());
        Assert.Empty(second.Body.GetProperty("notes").EnumerateArray());
    }

    [Fact]
    public async Task Verify_streams_records_instead_of_holding_them()
    {
        var server = await StartServerAsync();
        using var auditor = server.CreateApiClient(Idp.TokenFor("erin@example.com", ["auditors"]));
        // 600 records of 100 KB: 60 MB stored, within one call's bounds, so one call reads them all.
        await StoredChains.InsertAsync(Database, "replica-a", 600, reasonLength: 100_000);
        await auditor.GetJsonAsync("/api/v1/decisions/verify?limit=1");
        var baseline = GC.GetTotalMemory(forceFullCollection: true);

        long peak = 0;
        using var done = new CancellationTokenSource();
        var sampler = Task.Run(async () =>
        {
            while (!done.IsCancellationRequested)
            {
                peak = Math.Max(peak, GC.GetTotalMemory(forceFullCollection: true));
                await Task.Delay(5);
            }
        });
        var verified = await auditor.GetJsonAsync("/api/v1/decisions/verify");
        await done.CancelAsync();
        await sampler;

        Assert.True(verified.Status == HttpStatusCode.OK, verified.ToString());
        Assert.Equal(600, verified.Body.GetProperty("records").GetInt64());
        // Held whole, the records take 120 MB as .NET strings; streamed, one at a time.
        var grown = (peak - baseline) / (1024 * 1024);
        Assert.True(grown < 40, $"live managed memory grew by {grown} MiB while verifying 60 MB of records");
    }

    private static async Task<List<JsonElement>> VerifyAllAsync(HttpClient client, string path)
    {
        var pages = new List<JsonElement>();
        var next = path;
        while (next is not null)
        {
            var page = await client.GetJsonAsync(next);
            Assert.True(page.Status == HttpStatusCode.OK, page.ToString());
            pages.Add(page.Body);
            Assert.True(pages.Count <= 10, "more pages than records allow");
            next = page.Body.GetProperty("next_cursor").GetString() is { } cursor ? $"{path}?cursor={cursor}" : null;
        }

        return pages;
    }

    private static string Flip(string text, int at) => string.Concat(text[..at], text[at] == 'A' ? "B" : "A", text[(at + 1)..]);
}
