using System.Text.Json;

namespace AuthzWebhook.DecisionStore;

/// <summary>
/// Checks decision records against their hash chains, per instance, in input order: every record must match its own
/// hash (no edit), link to the record before it (no reorder or substitution) and follow it in sequence (no gap). A
/// record with seq 1 and the genesis prev starts a new chain (the instance restarted). An input that begins in the
/// middle of a chain (a rotated log) is noted, not failed: nothing before it can be checked.
/// </summary>
internal static class DecisionChainVerifier
{
    public static ChainReport Verify(IEnumerable<string> lines)
    {
        var state = new Dictionary<string, (long NextSeq, string PrevHash)>(StringComparer.Ordinal);
        var notes = new List<string>();
        var problems = new List<ChainProblem>();
        var scratch = new System.Buffers.ArrayBufferWriter<byte>(2048);
        long lineNumber = 0;
        long records = 0;
        foreach (var line in lines)
        {
            lineNumber++;
            if (string.IsNullOrWhiteSpace(line))
            {
                continue;
            }

            if (!TryRead(line, scratch, out var instance, out var seq, out var prev, out var hash, out var computed, out var malformed))
            {
                problems.Add(new ChainProblem(lineNumber, instance ?? "?", ChainProblemKind.Malformed, malformed!));
                continue;
            }

            records++;
            if (!string.Equals(computed, hash, StringComparison.Ordinal))
            {
                problems.Add(new ChainProblem(lineNumber, instance!, ChainProblemKind.Edit, $"record seq {seq} does not match its hash: it was changed after it was written"));
            }

            if (seq == 1 && prev == ChainHash.Genesis)
            {
                if (state.ContainsKey(instance!))
                {
                    notes.Add($"line {lineNumber}: {instance} starts a new chain (the instance restarted)");
                }
            }
            else if (!state.TryGetValue(instance!, out var expected))
            {
                notes.Add($"line {lineNumber}: the input begins {instance}'s chain at seq {seq}; earlier records are not in it");
            }
            else if (seq > expected.NextSeq)
            {
                problems.Add(new ChainProblem(lineNumber, instance!, ChainProblemKind.Gap, $"records seq {expected.NextSeq}..{seq - 1} are missing before seq {seq}"));
            }
            else if (seq < expected.NextSeq)
            {
                problems.Add(new ChainProblem(lineNumber, instance!, ChainProblemKind.Reorder, $"seq {seq} comes after seq {expected.NextSeq - 1}: records are out of order or repeated"));
            }
            else if (!string.Equals(prev, expected.PrevHash, StringComparison.Ordinal))
            {
                problems.Add(new ChainProblem(lineNumber, instance!, ChainProblemKind.Reorder, $"seq {seq} does not link to the record before it (prev differs): a record was replaced"));
            }

            state[instance!] = (seq + 1, hash!);
        }

        return new ChainReport(records, notes, problems);
    }

    private static bool TryRead(string line, System.Buffers.ArrayBufferWriter<byte> scratch, out string? instance, out long seq, out string? prev, out string? hash, out string? computed, out string? problem)
    {
        instance = prev = hash = computed = problem = null;
        seq = 0;
        try
        {
            using var document = JsonDocument.Parse(line);
            var root = document.RootElement;
            if (root.ValueKind != JsonValueKind.Object || !root.TryGetProperty("instance", out var name) || name.ValueKind != JsonValueKind.String)
            {
                problem = "not a decision record (no instance)";
                return false;
            }

            instance = name.GetString();
            if (!root.TryGetProperty(ChainHash.ChainMember, out var chain) || chain.ValueKind != JsonValueKind.Object
                || !chain.TryGetProperty("seq", out var s) || !s.TryGetInt64(out seq) || seq < 1
                || !chain.TryGetProperty("prev", out var p) || p.ValueKind != JsonValueKind.String
                || !chain.TryGetProperty("hash", out var h) || h.ValueKind != JsonValueKind.String)
            {
                problem = "the record carries no chain (seq, prev, hash)";
                return false;
            }

            prev = p.GetString();
            hash = h.GetString();
            computed = ChainHash.Compute(seq, prev!, root, scratch);
            return true;
        }
        catch (Exception ex) when (ex is JsonException or FormatException)
        {
            problem = $"not valid JSON for a decision record: {ex.Message}";
            return false;
        }
    }
}
