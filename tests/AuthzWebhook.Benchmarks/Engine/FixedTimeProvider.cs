namespace AuthzWebhook.Benchmarks.Engine;

/// <summary>A clock that never moves, so that windows neither expire nor go stale while a benchmark runs.</summary>
internal sealed class FixedTimeProvider(DateTimeOffset now) : TimeProvider
{
    public override DateTimeOffset GetUtcNow() => now;
}
