namespace AuthzWebhook.DecisionStore;

/// <summary>
/// Records taken together for one COPY, and where they came from so that they can be acknowledged: the spool lines
/// they cover (<see cref="Lines"/>), of which <see cref="Unreadable"/> could not be read back and hold no record.
/// </summary>
internal sealed record StoreBatch(IReadOnlyList<PendingDecision> Records, bool FromSpool, long SpoolEnd, int Lines, int Unreadable)
{
    public static readonly StoreBatch Empty = new([], FromSpool: false, SpoolEnd: 0, Lines: 0, Unreadable: 0);
}
