using Microsoft.Extensions.Options;

namespace AuthzWebhook.Windows;

/// <summary>
/// Whether this replica is answering in degraded mode, and why. Degraded means Postgres or Redis did not answer the
/// last time it was asked, or the window index is not confirmed fresh. While the index is still fresh a degraded
/// replica keeps granting from memory (windows it holds, each to its own <c>expires_at</c>); once freshness lapses it
/// answers no opinion. Entry, the switch to no opinion and back, and exit are each logged once, and the time spent
/// degraded is counted, so that a dashboard and a log search both show the episode.
/// </summary>
internal sealed class ReplicaHealth
{
    private readonly WindowFreshness _freshness;
    private readonly TimeProvider _time;
    private readonly TimeSpan _bound;
    private readonly ILogger<ReplicaHealth> _logger;
    private readonly Lock _lock = new();
    private int _unreachable;
    private bool _degraded;
    private bool _granting;
    private DateTimeOffset _enteredAt;
    private TimeSpan _degradedBefore;

    public ReplicaHealth(WindowFreshness freshness, TimeProvider time, IOptions<WindowOptions> options, Observability.AuthzMetrics metrics, ILogger<ReplicaHealth> logger)
    {
        _freshness = freshness;
        _time = time;
        _bound = options.Value.StalenessBound;
        _logger = logger;

        // A replica starts degraded: nothing is confirmed until the first load, and leaving is logged like any exit.
        _degraded = true;
        _enteredAt = time.GetUtcNow();
        metrics.ObserveReplicaHealth(this);
    }

    /// <summary>Read on every review: one volatile read, no lock.</summary>
    public UnreachableStores Unreachable => (UnreachableStores)Volatile.Read(ref _unreachable);

    public WindowFreshness Freshness => _freshness;

    public bool IsDegraded
    {
        get
        {
            lock (_lock)
            {
                return _degraded;
            }
        }
    }

    /// <summary>Time spent degraded since start-up, the current episode included.</summary>
    public TimeSpan DegradedTime
    {
        get
        {
            lock (_lock)
            {
                return _degraded ? _degradedBefore + (_time.GetUtcNow() - _enteredAt) : _degradedBefore;
            }
        }
    }

    /// <summary>Records whether a store answered; then re-evaluates the mode.</summary>
    public void Report(UnreachableStores store, bool reachable)
    {
        int seen, updated;
        do
        {
            seen = Volatile.Read(ref _unreachable);
            updated = reachable ? seen & ~(int)store : seen | (int)store;
        }
        while (seen != updated && Interlocked.CompareExchange(ref _unreachable, updated, seen) != seen);

        if (seen != updated)
        {
            Evaluate();
        }
    }

    /// <summary>Re-evaluates the mode: after each store outcome and on a timer, since freshness lapses with no event at all.</summary>
    public void Evaluate()
    {
        lock (_lock)
        {
            // Inputs read under the lock: evaluations from two threads must not apply an older view after a newer one.
            var now = _time.GetUtcNow();
            var fresh = _freshness.IsFresh(now);
            var unreachable = Unreachable;
            var degraded = !fresh || unreachable != UnreachableStores.None;
            if (degraded && !_degraded)
            {
                _degraded = true;
                _enteredAt = now;
                Log.DegradedEntered(_logger, Describe(unreachable, fresh), GrantingUntil(fresh));
            }

            if (fresh != _granting)
            {
                _granting = fresh;
                if (fresh)
                {
                    Log.GrantingResumed(_logger);
                }
                else
                {
                    Log.GrantingStopped(_logger, Since());
                }
            }

            if (!degraded && _degraded)
            {
                _degraded = false;
                var episode = now - _enteredAt;
                _degradedBefore += episode;
                Log.DegradedLeft(_logger, episode.TotalSeconds);
            }
        }
    }

    private string GrantingUntil(bool fresh) =>
        fresh && _freshness.ConfirmedAt is { } confirmed
            ? Decisions.DecisionReason.Rfc3339(confirmed + _bound) + " at the latest, unless freshness is confirmed again"
            : "no longer: answering no opinion";

    private string Since() => _freshness.ConfirmedAt is { } confirmed ? Decisions.DecisionReason.Rfc3339(confirmed) : "start-up";

    internal static string Describe(UnreachableStores unreachable, bool fresh)
    {
        var parts = new List<string>(3);
        if (unreachable.HasFlag(UnreachableStores.Postgres))
        {
            parts.Add("Postgres unreachable");
        }

        if (unreachable.HasFlag(UnreachableStores.Redis))
        {
            parts.Add("Redis unreachable");
        }

        if (!fresh)
        {
            parts.Add("window index not confirmed fresh");
        }

        return string.Join(", ", parts);
    }
}
