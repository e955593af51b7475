using System.Text.Json;
using System.Text.Json.Nodes;
using AuthzWebhook.Decisions;
using AuthzWebhook.DecisionStore;
using AuthzWebhook.Hosting;

namespace AuthzWebhook.Tests.DecisionStore;

/// <summary>Chained decision records verify as written, and every way of tampering with them is caught at its line.</summary>
public sealed class DecisionChainTests
{
    [Fact]
    public void A_log_as_written_is_intact()
    {
        var report = DecisionChainVerifier.Verify(Log("replica-a", 10));

        Assert.True(report.IsIntact, Describe(report));
        Assert.Equal(10, report.Records);
    }

    [Fact]
    public void The_first_record_links_to_the_genesis_and_each_next_one_to_the_hash_before_it()
    {
        var lines = Log("replica-a", 3).Select(l => JsonNode.Parse(l)!["chain"]!).ToArray();

        Assert.Equal(1, (long)lines[0]["seq"]!);
        Assert.Equal(new string('0', 64), (string)lines[0]["prev"]!);
        Assert.Equal((string)lines[0]["hash"]!, (string)lines[1]["prev"]!);
        Assert.Equal((string)lines[1]["hash"]!, (string)lines[2]["prev"]!);
        Assert.Matches("^[0-9a-f]{64}$", (string)lines[2]["hash"]!);
    }

    [Fact]
    public void An_edited_field_is_caught_at_its_line()
    {
        var lines = Log("replica-a", 10);
        lines[4] = lines[4].Replace("\"decision\":\"no_opinion\"", "\"decision\":\"allow\"", StringComparison.Ordinal);

        var report = DecisionChainVerifier.Verify(lines);

        var problem = Assert.Single(report.Problems);
        Assert.Equal((5, ChainProblemKind.Edit), (problem.Line, problem.Kind));
    }

    [Fact]
    public void A_removed_record_is_caught_as_a_gap()
    {
        var lines = Log("replica-a", 10);
        lines.RemoveAt(4);

        var problem = Assert.Single(DecisionChainVerifier.Verify(lines).Problems);

        Assert.Equal((5, ChainProblemKind.Gap), (problem.Line, problem.Kind));
        Assert.Contains("seq 5..5", problem.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Swapped_records_are_caught_as_a_reorder()
    {
        var lines = Log("replica-a", 10);
        (lines[3], lines[4]) = (lines[4], lines[3]);

        var report = DecisionChainVerifier.Verify(lines);

        Assert.False(report.IsIntact);
        Assert.Equal(4, report.Problems[0].Line);
        Assert.Contains(report.Problems, p => p.Kind == ChainProblemKind.Reorder);
    }

    [Fact]
    public void A_repeated_record_is_caught()
    {
        var lines = Log("replica-a", 5);
        lines.Insert(3, lines[2]);

        var problem = Assert.Single(DecisionChainVerifier.Verify(lines).Problems);

        Assert.Equal((4, ChainProblemKind.Reorder), (problem.Line, problem.Kind));
    }

    [Fact]
    public void A_forged_record_with_a_consistent_hash_breaks_the_link_to_the_next_one()
    {
        var lines = Log("replica-a", 5);
        var original = JsonNode.Parse(lines[2])!.AsObject();
        var chain = original["chain"]!;
        original["decision"] = "allow";
        original.Remove("chain");
        using (var document = JsonDocument.Parse(original.ToJsonString()))
        {
            var forgedHash = ChainHash.Compute((long)chain["seq"]!, (string)chain["prev"]!, document.RootElement);
            original["chain"] = new JsonObject { ["seq"] = (long)chain["seq"]!, ["prev"] = (string)chain["prev"]!, ["hash"] = forgedHash };
        }

        lines[2] = original.ToJsonString();

        var problem = Assert.Single(DecisionChainVerifier.Verify(lines).Problems);
        Assert.Equal((4, ChainProblemKind.Reorder), (problem.Line, problem.Kind));
        Assert.Contains("prev differs", problem.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Records_reformatted_by_a_log_shipper_still_verify()
    {
        // Members reordered and pretty-printed, as a shipper that parses and re-serializes would leave them.
        var reformatted = Log("replica-a", 5).Select(line =>
        {
            var node = JsonNode.Parse(line)!.AsObject();
            var reversed = new JsonObject();
            foreach (var (key, value) in node.Reverse().ToList())
            {
                node.Remove(key);
                reversed[key] = value;
            }

            return reversed.ToJsonString(new JsonSerializerOptions { WriteIndented = false, Encoder = System.Text.Encodings.Web.JavaScriptEncoder.Default });
        }).ToList();

        Assert.True(DecisionChainVerifier.Verify(reformatted).IsIntact);
    }

    [Fact]
    public void Interleaved_instances_and_a_restart_verify_with_a_note()
    {
        var a = Log("replica-a", 4);
        var b = Log("replica-b", 4);
        var restarted = Log("replica-a", 2);
        var lines = a.Zip(b).SelectMany(p => new[] { p.First, p.Second }).Concat(restarted).ToList();

        var report = DecisionChainVerifier.Verify(lines);

        Assert.True(report.IsIntact, Describe(report));
        Assert.Contains(report.Notes, n => n.Contains("replica-a starts a new chain", StringComparison.Ordinal));
    }

    [Fact]
    public void A_log_that_begins_mid_chain_is_noted_not_failed()
    {
        var lines = Log("replica-a", 6).Skip(3).ToList();

        var report = DecisionChainVerifier.Verify(lines);

        Assert.True(report.IsIntact);
        Assert.Contains(report.Notes, n => n.Contains("at seq 4", StringComparison.Ordinal));
    }

    [Fact]
    public void Lines_that_are_not_chained_records_are_reported()
    {
        var lines = Log("replica-a", 2);
        lines.Add("not json");
        lines.Add("""{"instance":"replica-a","chain":null}""");

        var report = DecisionChainVerifier.Verify(lines);

        Assert.Equal(2, report.Problems.Count);
        Assert.All(report.Problems, p => Assert.Equal(ChainProblemKind.Malformed, p.Kind));
    }

    [Fact]
    public void The_canonical_form_sorts_members_and_escapes_only_what_json_requires()
    {
        using var document = JsonDocument.Parse("{ \"b\": [1, true, null], \"a\": \"é\\u00e9 \\\"q\\\" \\u0001\\n\" }");

        var canonical = System.Text.Encoding.UTF8.GetString(CanonicalJson.Of(document.RootElement));

        Assert.Equal("{\"a\":\"éé \\\"q\\\" \\u0001\\n\",\"b\":[1,true,null]}", canonical);
    }

    [Fact]
    public void A_chain_checked_in_two_pieces_links_across_the_cut_and_catches_a_record_replaced_right_after_it()
    {
        var lines = Log("replica-a", 6);
        var first = new IncrementalChainVerifier();
        foreach (var line in lines.Take(3))
        {
            first.Check(line, 0);
        }

        var second = new IncrementalChainVerifier();
        second.Continue(first.LastLink!.Value);
        foreach (var line in lines.Skip(3))
        {
            second.Check(line, 0);
        }

        Assert.True(second.Problems.Count == 0 && second.Notes.Count == 0, string.Join('\n', second.Problems.Select(p => p.Message)));

        var forged = new IncrementalChainVerifier();
        forged.Continue(first.LastLink!.Value);
        forged.Check(Log("replica-a", 4)[3], 1);
        Assert.Contains(forged.Problems, p => p.Kind == ChainProblemKind.Reorder && p.Line == 1);
    }

    [Fact]
    public void Problems_beyond_the_reported_number_are_counted()
    {
        var verifier = new IncrementalChainVerifier(maxReported: 2);
        for (var i = 0; i < 5; i++)
        {
            verifier.Check("not json", i + 1);
        }

        Assert.Equal(2, verifier.Problems.Count);
        Assert.Equal(5, verifier.ProblemCount);
    }

    private static List<string> Log(string instance, int count)
    {
        var chainer = new DecisionChainer();
        return [.. Enumerable.Range(1, count).Select(i => JsonSerializer.Serialize(chainer.Chain(Record(instance, i)), AuthzJsonContext.Default.DecisionRecord))];
    }

    private static DecisionRecord Record(string instance, int i) => new()
    {
        Time = $"2026-11-27T14:00:{i:00}.000000Z",
        DecisionId = Guid.CreateVersion7(),
        Decision = "no_opinion",
        Reason = $"decision {i}: no active elevation covers this request",
        User = new DecisionUser("oidc:alice@example.com", string.Empty, ["oidc:sre"], new Dictionary<string, string[]>()),
        Request = new DecisionRequest("resource", "get", string.Empty, "v1", "pods", "log", "payments", $"api-{i}", null),
        LatencyMicroseconds = 40 + i,
        Instance = instance,
    };

    private static string Describe(ChainReport report) => string.Join('\n', report.Problems.Select(p => $"{p.Line} {p.Kind} {p.Message}"));
}
