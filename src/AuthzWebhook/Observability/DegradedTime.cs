using AuthzWebhook.Windows;
using Microsoft.Extensions.Options;

namespace AuthzWebhook.Observability;

/// <summary>
/// Seconds this replica has spent degraded (windows not confirmed fresh, so nothing is granted), worked out when the
/// metric is read, from <see cref="WindowFreshness"/>'s public state alone. Between two reads a degraded spell is taken
/// to start when the last proof went stale and to end at the proof that ended it; a spell that starts and ends between
/// two reads is missed, so scrape more often than degraded spells are short.
/// </summary>
internal sealed class DegradedTime(WindowFreshness freshness, TimeProvider timeProvider, IOptions<WindowOptions> options)
{
    private readonly Lock _lock = new();
    private readonly TimeSpan _bound = options.Value.StalenessBound;
    private DateTimeOffset? _lastRead;
    private bool _wasDegraded;
    private double _seconds;

    public bool IsDegraded => !freshness.IsFresh();

    /// <summary>The running total, advanced to now.</summary>
    public double Seconds()
    {
        lock (_lock)
        {
            var now = timeProvider.GetUtcNow();
            var degraded = !freshness.IsFresh(now);
            var confirmed = freshness.ConfirmedAt;
            if (_lastRead is { } last && (degraded || _wasDegraded))
            {
                var from = _wasDegraded ? last : Max(last, confirmed is { } c ? c + _bound : last);
                var to = degraded ? now : Min(now, Max(from, confirmed ?? now));
                if (to > from)
                {
                    _seconds += (to - from).TotalSeconds;
                }
            }

            _lastRead = now;
            _wasDegraded = degraded;
            return _seconds;
        }
    }

    private static DateTimeOffset Max(DateTimeOffset a, DateTimeOffset b) => a > b ? a : b;

    private static DateTimeOffset Min(DateTimeOffset a, DateTimeOffset b) => a < b ? a : b;
}
