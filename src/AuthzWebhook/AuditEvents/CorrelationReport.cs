using System.Globalization;
using System.Text;

namespace AuthzWebhook.AuditEvents;

/// <summary>The outcome of joining an audit log with <c>decisions</c>, and how <c>correlate</c> prints it.</summary>
internal sealed record CorrelationReport(
    long Events,
    long NotEvents,
    int WithDecision,
    int Matched,
    int Unmatched,
    int DecisionsOnSeveralRequests,
    IReadOnlyList<AuditedRequest> UnmatchedSample)
{
    private const int MaxCell = 80;

    /// <summary>Matched share of the requests with a decision id, in percent rounded down to a tenth (so 100 means every one); null without any.</summary>
    public double? JoinRate => WithDecision == 0 ? null : Math.Floor(Matched * 1000.0 / WithDecision) / 10;

    public string JoinRateText => JoinRate is { } rate ? rate.ToString("0.#", CultureInfo.InvariantCulture) + "%" : "n/a";

    public IEnumerable<string> Lines()
    {
        yield return Invariant($"audit events read:             {Events}{(NotEvents > 0 ? $" ({NotEvents} other line(s) skipped: not audit events)" : string.Empty)}");
        yield return Invariant($"requests with a decision id:   {WithDecision} (one per auditID)");
        yield return Invariant($"matched in decisions:          {Matched}");
        yield return Invariant($"unmatched:                     {Unmatched} (join rate {JoinRateText})");
        yield return Invariant($"decisions on several requests: {DecisionsOnSeveralRequests} (answers the API server served from its cache)");
        if (UnmatchedSample.Count > 0)
        {
            yield return string.Empty;
            yield return Invariant($"unmatched requests ({(Unmatched > UnmatchedSample.Count ? $"the first {UnmatchedSample.Count} of {Unmatched}" : $"{Unmatched}")}, by time received):");
            foreach (var row in Table())
            {
                yield return row;
            }
        }

        yield return string.Empty;
        yield return $"join rate: {JoinRateText}";
    }

    private IEnumerable<string> Table()
    {
        string[][] rows =
        [
            ["AUDIT ID", "RECEIVED", "USER", "VERB", "TARGET", "DECISION ID"],
            .. UnmatchedSample.Select(e => new[] { e.AuditId, e.ReceivedAt, e.User, e.Verb, e.Target, e.DecisionId.ToString() }.Select(Cell).ToArray()),
        ];
        var widths = Enumerable.Range(0, rows[0].Length).Select(c => rows.Max(r => r[c].Length)).ToArray();
        return rows.Select(r => string.Join("  ", r.Select((cell, c) => cell.PadRight(widths[c]))).TrimEnd());
    }

    /// <summary>Audit fields come from clients (URIs, user names): no control characters reach the terminal, and no cell runs on.</summary>
    private static string Cell(string value)
    {
        var text = new StringBuilder(Math.Min(value.Length, MaxCell));
        foreach (var c in value)
        {
            text.Append(char.IsControl(c) ? '?' : c);
        }

        if (text.Length == 0)
        {
            return "-";
        }

        return text.Length > MaxCell ? text.ToString(0, MaxCell - 1) + "…" : text.ToString();
    }

    private static string Invariant(FormattableString text) => text.ToString(CultureInfo.InvariantCulture);
}
