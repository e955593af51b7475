using System.Buffers;
using System.Text.Json;

namespace AuthzWebhook.DecisionStore;

/// <summary>
/// Checks decision records one at a time, as they are read, holding per instance only where its chain stands (next
/// seq, previous hash): memory does not grow with the input. Every record must match its own hash (no edit), link to the
/// record before it (no reorder or substitution) and follow it in sequence (no gap). A record with seq 1 and the genesis
/// prev starts a new chain (the instance restarted). An input that begins in the middle of a chain is noted, not
/// failed, unless <see cref="Continue"/> said where that chain stood. At most <paramref name="maxReported"/> problems
/// and notes are kept; the rest are only counted.
/// </summary>
internal sealed class IncrementalChainVerifier(int maxReported = int.MaxValue)
{
    private readonly Dictionary<string, (long NextSeq, string PrevHash)> _chains = new(StringComparer.Ordinal);
    private readonly ArrayBufferWriter<byte> _scratch = new(2048);
    private readonly List<ChainProblem> _problems = [];
    private readonly List<ChainNote> _notes = [];

    public long Records { get; private set; }

    public long ProblemCount { get; private set; }

    public long NoteCount { get; private set; }

    public IReadOnlyList<ChainProblem> Problems => _problems;

    public IReadOnlyList<ChainNote> Notes => _notes;

    /// <summary>Where the chain of the record checked last stands; null when that record could not be read.</summary>
    public ChainLink? LastLink { get; private set; }

    /// <summary>Carries on a chain checked elsewhere (an earlier page): its next record must link to <paramref name="link"/>.</summary>
    public void Continue(ChainLink link) => _chains[link.Instance] = (link.NextSeq, link.PrevHash);

    /// <summary>Forgets every chain: for input ordered by instance, once an instance's records are past.</summary>
    public void Forget() => _chains.Clear();

    public void Check(string line, long lineNumber)
    {
        LastLink = null;
        if (string.IsNullOrWhiteSpace(line))
        {
            return;
        }

        if (!TryRead(line, out var instance, out var seq, out var prev, out var hash, out var computed, out var malformed))
        {
            Problem(new ChainProblem(lineNumber, instance ?? "?", ChainProblemKind.Malformed, malformed!));
            return;
        }

        Records++;
        if (!string.Equals(computed, hash, StringComparison.Ordinal))
        {
            Problem(new ChainProblem(lineNumber, instance!, ChainProblemKind.Edit, $"record seq {seq} does not match its hash: it was changed after it was written"));
        }

        if (seq == 1 && prev == ChainHash.Genesis)
        {
            if (_chains.ContainsKey(instance!))
            {
                Note(new ChainNote(lineNumber, $"{instance} starts a new chain (the instance restarted)"));
            }
        }
        else if (!_chains.TryGetValue(instance!, out var expected))
        {
            Note(new ChainNote(lineNumber, $"the input begins {instance}'s chain at seq {seq}; earlier records are not in it"));
        }
        else if (seq > expected.NextSeq)
        {
            Problem(new ChainProblem(lineNumber, instance!, ChainProblemKind.Gap, $"records seq {expected.NextSeq}..{seq - 1} are missing before seq {seq}"));
        }
        else if (seq < expected.NextSeq)
        {
            Problem(new ChainProblem(lineNumber, instance!, ChainProblemKind.Reorder, $"seq {seq} comes after seq {expected.NextSeq - 1}: records are out of order or repeated"));
        }
        else if (!string.Equals(prev, expected.PrevHash, StringComparison.Ordinal))
        {
            Problem(new ChainProblem(lineNumber, instance!, ChainProblemKind.Reorder, $"seq {seq} does not link to the record before it (prev differs): a record was replaced"));
        }

        _chains[instance!] = (seq + 1, hash!);
        LastLink = new ChainLink(instance!, seq + 1, hash!);
    }

    private void Problem(ChainProblem problem)
    {
        if (++ProblemCount <= maxReported)
        {
            _problems.Add(problem);
        }
    }

    private void Note(ChainNote note)
    {
        if (++NoteCount <= maxReported)
        {
            _notes.Add(note);
        }
    }

    private bool TryRead(string line, out string? instance, out long seq, out string? prev, out string? hash, out string? computed, out string? problem)
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
            computed = ChainHash.Compute(seq, prev!, root, _scratch);
            return true;
        }
        catch (Exception ex) when (ex is JsonException or FormatException)
        {
            problem = $"not valid JSON for a decision record: {ex.Message}";
            return false;
        }
    }
}
