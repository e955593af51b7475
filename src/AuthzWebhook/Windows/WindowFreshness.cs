using Microsoft.Extensions.Options;

namespace AuthzWebhook.Windows;

/// <summary>
/// When this replica last proved that its window index held every change. Granting stops once that proof is older
/// than the staleness bound: stale data must never allow. A Postgres reload is full proof. A heartbeat through the
/// Redis feed proves only that every change *published* arrived, and a change whose publish failed is caught by the
/// next Postgres reload; so feed proofs count only while the last Postgres reload is younger than
/// <see cref="WindowOptions.MaxTimeWithoutPostgres"/>.
/// </summary>
internal sealed class WindowFreshness(TimeProvider timeProvider, IOptions<WindowOptions> options)
{
    private readonly TimeSpan _bound = options.Value.StalenessBound;
    private readonly TimeSpan _withoutPostgres = options.Value.MaxTimeWithoutPostgres;
    private long _postgresTicks = long.MinValue;
    private long _feedTicks = long.MinValue;

    /// <summary>The latest proof of either kind, for messages; null before the first.</summary>
    public DateTimeOffset? ConfirmedAt
    {
        get
        {
            var ticks = Math.Max(Interlocked.Read(ref _postgresTicks), Interlocked.Read(ref _feedTicks));
            return ticks == long.MinValue ? null : new DateTimeOffset(ticks, TimeSpan.Zero);
        }
    }

    public bool IsFresh(DateTimeOffset now)
    {
        var postgres = Interlocked.Read(ref _postgresTicks);
        if (postgres == long.MinValue)
        {
            return false;
        }

        var sincePostgres = now.UtcTicks - postgres;
        if (sincePostgres <= _bound.Ticks)
        {
            return true;
        }

        var feed = Interlocked.Read(ref _feedTicks);
        return feed != long.MinValue && now.UtcTicks - feed <= _bound.Ticks && sincePostgres <= _withoutPostgres.Ticks;
    }

    public bool IsFresh() => IsFresh(timeProvider.GetUtcNow());

    /// <summary>A full reload from Postgres read everything committed before <paramref name="asOf"/>. Never moves backwards.</summary>
    public void Confirm(DateTimeOffset asOf) => Advance(ref _postgresTicks, asOf.UtcTicks);

    /// <summary>Every change published to the feed before <paramref name="asOf"/> has been applied. Never moves backwards.</summary>
    public void ConfirmFromFeed(DateTimeOffset asOf) => Advance(ref _feedTicks, asOf.UtcTicks);

    private static void Advance(ref long field, long ticks)
    {
        var current = Interlocked.Read(ref field);
        while (ticks > current)
        {
            var seen = Interlocked.CompareExchange(ref field, ticks, current);
            if (seen == current)
            {
                return;
            }

            current = seen;
        }
    }
}
