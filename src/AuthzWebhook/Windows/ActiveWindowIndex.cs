using System.Collections.Concurrent;

namespace AuthzWebhook.Windows;

/// <summary>
/// This replica's in-memory view of elevation windows, looked up by user and by group on every decision.
/// Reads are lock-free; writes (rare) take a lock and replace the small per-subject arrays they touch.
/// Revoked windows stay as tombstones until they expire, so that a late, older message cannot bring them back; a
/// revocation is final (Postgres never clears one), so it wins over an unrevoked copy whatever their versions say.
/// </summary>
internal sealed class ActiveWindowIndex : Policy.ITemplateUse
{
    private readonly Lock _writeLock = new();
    private volatile IndexState _state = new();
    private List<ElevationWindow>? _capturedDuringReload;

    public ElevationWindow[] ForUser(string user) => _state.ByUser.TryGetValue(user, out var windows) ? windows : [];

    public ElevationWindow[] ForGroup(string group) => _state.ByGroup.TryGetValue(group, out var windows) ? windows : [];

    /// <summary>Windows known to this replica that are not revoked (some may have expired since the last prune).</summary>
    public int Count => _state.LiveCount;

    public ElevationWindow? Find(Guid id) => _state.ById.TryGetValue(id, out var window) ? window : null;

    /// <summary>Windows of <paramref name="template"/> that are not revoked (some may have expired since the last prune); counted on a policy reload only.</summary>
    public int LiveWindows(string template) =>
        _state.ById.Values.Count(w => w.RevokedAt is null && string.Equals(w.Template, template, StringComparison.Ordinal));

    /// <summary>Applies one change unless this replica already holds the same or a newer version of that window.</summary>
    public bool Apply(ElevationWindow window)
    {
        lock (_writeLock)
        {
            _capturedDuringReload?.Add(window);
            return _state.Apply(window);
        }
    }

    /// <summary>
    /// Applies a change read from Redis, unverified, when it can only take access away from what this replica holds
    /// (<see cref="WindowNarrowing.OnlyNarrows"/>), checked under the write lock so that nothing applied meanwhile is
    /// judged against a stale copy. A narrowed window keeps the version this replica holds: whoever writes to Redis
    /// chooses a message's version, and adopting it would let them outrank every later change, the revocation
    /// included. Postgres' own version arrives when the change is confirmed. Returns false for anything else.
    /// </summary>
    public bool ApplyNarrowing(ElevationWindow change)
    {
        lock (_writeLock)
        {
            var known = _state.ById.TryGetValue(change.Id, out var existing) ? existing : null;
            if (!WindowNarrowing.OnlyNarrows(change, known))
            {
                return false;
            }

            var narrowed = change.RevokedAt is null && known is not null ? change with { Version = known.Version } : change;
            _capturedDuringReload?.Add(narrowed);
            return _state.Replace(narrowed);
        }
    }

    /// <summary>
    /// Starts a full reload. Changes applied from now until <see cref="CompleteReload"/> are replayed over the loaded
    /// snapshot, because the snapshot may have been read before they were written.
    /// </summary>
    public void BeginReload()
    {
        lock (_writeLock)
        {
            _capturedDuringReload = [];
        }
    }

    /// <summary>Installs <paramref name="snapshot"/> (every window not yet expired, revoked ones included) as the new index.</summary>
    public void CompleteReload(IEnumerable<ElevationWindow> snapshot)
    {
        var fresh = IndexState.From(snapshot);

        lock (_writeLock)
        {
            foreach (var change in _capturedDuringReload ?? [])
            {
                fresh.Apply(change);
            }

            _capturedDuringReload = null;
            _state = fresh;
        }
    }

    public void AbortReload()
    {
        lock (_writeLock)
        {
            _capturedDuringReload = null;
        }
    }

    /// <summary>Drops windows and tombstones whose expiry has passed; returns how many were dropped.</summary>
    public int Prune(DateTimeOffset now)
    {
        lock (_writeLock)
        {
            return _state.Prune(now);
        }
    }

    private sealed class IndexState
    {
        public ConcurrentDictionary<Guid, ElevationWindow> ById { get; } = new();

        public ConcurrentDictionary<string, ElevationWindow[]> ByUser { get; } = new(StringComparer.Ordinal);

        public ConcurrentDictionary<string, ElevationWindow[]> ByGroup { get; } = new(StringComparer.Ordinal);

        public int LiveCount { get; private set; }

        /// <summary>Builds the whole index at once: one array per subject, instead of one copy per window added.</summary>
        public static IndexState From(IEnumerable<ElevationWindow> snapshot)
        {
            var state = new IndexState();
            var byUser = new Dictionary<string, List<ElevationWindow>>(StringComparer.Ordinal);
            var byGroup = new Dictionary<string, List<ElevationWindow>>(StringComparer.Ordinal);
            foreach (var window in snapshot)
            {
                if (state.ById.TryGetValue(window.Id, out var existing) && existing.Version >= window.Version)
                {
                    continue;
                }

                state.ById[window.Id] = window;
            }

            foreach (var window in state.ById.Values)
            {
                if (window.RevokedAt is not null)
                {
                    continue;
                }

                var map = window.SubjectKind == SubjectKind.User ? byUser : byGroup;
                if (!map.TryGetValue(window.Subject, out var list))
                {
                    map[window.Subject] = list = [];
                }

                list.Add(window);
                state.LiveCount++;
            }

            foreach (var (subject, list) in byUser)
            {
                state.ByUser[subject] = [.. list];
            }

            foreach (var (subject, list) in byGroup)
            {
                state.ByGroup[subject] = [.. list];
            }

            return state;
        }

        public bool Apply(ElevationWindow window)
        {
            if (ById.TryGetValue(window.Id, out var existing))
            {
                var revokes = existing.RevokedAt is null && window.RevokedAt is not null;
                var revives = existing.RevokedAt is not null && window.RevokedAt is null;
                if (revives || (!revokes && existing.Version >= window.Version))
                {
                    return false;
                }

                RemoveFromSubject(existing);
            }

            return Add(window);
        }

        /// <summary>Puts a narrowed copy of a window in place of the one it was judged against, which has the same version.</summary>
        public bool Replace(ElevationWindow window)
        {
            if (window.RevokedAt is not null || !ById.TryGetValue(window.Id, out var existing))
            {
                return Apply(window);
            }

            RemoveFromSubject(existing);
            return Add(window);
        }

        private bool Add(ElevationWindow window)
        {
            ById[window.Id] = window;
            if (window.RevokedAt is null)
            {
                AddToSubject(window);
            }

            return true;
        }

        public int Prune(DateTimeOffset now)
        {
            var dropped = 0;
            foreach (var (id, window) in ById)
            {
                if (window.ExpiresAt <= now && ById.TryRemove(id, out _))
                {
                    RemoveFromSubject(window);
                    dropped++;
                }
            }

            return dropped;
        }

        private void AddToSubject(ElevationWindow window)
        {
            var map = window.SubjectKind == SubjectKind.User ? ByUser : ByGroup;
            map[window.Subject] = map.TryGetValue(window.Subject, out var current) ? [.. current, window] : [window];
            LiveCount++;
        }

        private void RemoveFromSubject(ElevationWindow window)
        {
            if (window.RevokedAt is not null)
            {
                return;
            }

            var map = window.SubjectKind == SubjectKind.User ? ByUser : ByGroup;
            if (!map.TryGetValue(window.Subject, out var current))
            {
                return;
            }

            var remaining = Array.FindAll(current, w => w.Id != window.Id);
            if (remaining.Length == 0)
            {
                map.TryRemove(window.Subject, out _);
            }
            else
            {
                map[window.Subject] = remaining;
            }

            LiveCount -= current.Length - remaining.Length;
        }
    }
}
