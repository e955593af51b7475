using Microsoft.Extensions.Options;

namespace AuthzWebhook.Windows;

/// <summary>
/// When this replica last proved that its window index held every change. Granting stops once that proof
/// is older than the staleness bound: stale data must never allow.
/// </summary>
internal sealed class WindowFreshness(TimeProvider timeProvider, IOptions<WindowOptions> options)
{
    private readonly TimeSpan _bound = options.Value.StalenessBound;
    private long _confirmedAtTicks = long.MinValue;

    public DateTimeOffset? ConfirmedAt
    {
        get
        {
            var ticks = Interlocked.Read(ref _confirmedAtTicks);
            return ticks == long.MinValue ? null : new DateTimeOffset(ticks, TimeSpan.Zero);
        }
    }

    public bool IsFresh(DateTimeOffset now)
    {
        var ticks = Interlocked.Read(ref _confirmedAtTicks);
        return ticks != long.MinValue && now.UtcTicks - ticks <= _bound.Ticks;
    }

    public bool IsFresh() => IsFresh(timeProvider.GetUtcNow());

    /// <summary>Records that every change made before <paramref name="asOf"/> is in the index. Never moves backwards.</summary>
    public void Confirm(DateTimeOffset asOf)
    {
        var ticks = asOf.UtcTicks;
        var current = Interlocked.Read(ref _confirmedAtTicks);
        while (ticks > current)
        {
            var seen = Interlocked.CompareExchange(ref _confirmedAtTicks, ticks, current);
            if (seen == current)
            {
                return;
            }

            current = seen;
        }
    }
}
