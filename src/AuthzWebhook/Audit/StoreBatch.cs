namespace AuthzWebhook.Audit;

/// <summary>Records taken together for one COPY, and where they came from so that they can be acknowledged.</summary>
internal sealed record StoreBatch(IReadOnlyList<PendingDecision> Records, bool FromSpool, long SpoolEnd)
{
    public static readonly StoreBatch Empty = new([], FromSpool: false, SpoolEnd: 0);
}
