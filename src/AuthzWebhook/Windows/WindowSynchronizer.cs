using System.Collections.Concurrent;
using System.Threading.Channels;
using AuthzWebhook.Observability;
using AuthzWebhook.Storage.Postgres;
using AuthzWebhook.Storage.Redis;
using Microsoft.Extensions.Options;
using Npgsql;
using StackExchange.Redis;

namespace AuthzWebhook.Windows;

/// <summary>
/// Keeps this replica's <see cref="ActiveWindowIndex"/> current and proves it fresh:
/// <list type="bullet">
/// <item>a full reload from Postgres on every reconcile tick (Redis only when Postgres cannot answer) confirms freshness;</item>
/// <item>the Redis change feed applies each change as it happens;</item>
/// <item>a heartbeat the replica publishes to itself, received on a feed that has not broken since the last reload,
/// proves every earlier change arrived and confirms freshness between reconciles.</item>
/// </list>
/// After the feed breaks, heartbeats count again only once one has come through and a reload has followed it.
/// Redis is trusted to take access away, never to grant it: a change that only narrows a window (see
/// <see cref="WindowNarrowing"/>) applies at once, anything else is re-read from Postgres before it counts.
/// </summary>
internal sealed class WindowSynchronizer(
    ActiveWindowIndex index,
    WindowFreshness freshness,
    ReplicaHealth health,
    PostgresWindowStore postgres,
    RedisWindowCache redisCache,
    IConnectionMultiplexer redis,
    TimeProvider timeProvider,
    IOptions<WindowOptions> options,
    AuthzMetrics metrics,
    ILogger<WindowSynchronizer> logger) : BackgroundService
{
    private readonly ConcurrentDictionary<Guid, SentHeartbeat> _sentHeartbeats = new();

    // Windows announced on the feed that must be read from Postgres before they count: one reader, bounded, so a flood
    // of announcements cannot exhaust the connection pool (an overflow falls back to a full reload).
    // Each with its publish time, for the propagation lag metric.
    private readonly Channel<(Guid Id, DateTimeOffset? SentAt)> _toConfirm = Channel.CreateBounded<(Guid, DateTimeOffset?)>(new BoundedChannelOptions(1024) { SingleReader = true, FullMode = BoundedChannelFullMode.Wait });
    private readonly SemaphoreSlim _reloadNow = new(0, 1);
    private long _epoch = 1;
    private long _liveEpoch;
    private long _syncedEpoch;

    /// <summary>True once the index has been loaded from Postgres or Redis at least once.</summary>
    public bool IsLoaded { get; private set; }

    public override void Dispose()
    {
        _reloadNow.Dispose();
        base.Dispose();
    }

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        redis.ConnectionFailed += OnConnectionChanged;
        redis.ConnectionRestored += OnConnectionChanged;
        try
        {
            StartSubscribing(stoppingToken);
            await ReloadAsync(stoppingToken).ConfigureAwait(false);
            await Task.WhenAll(ReconcileLoopAsync(stoppingToken), HeartbeatLoopAsync(stoppingToken), ConfirmLoopAsync(stoppingToken)).ConfigureAwait(false);
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
        }
        finally
        {
            redis.ConnectionFailed -= OnConnectionChanged;
            redis.ConnectionRestored -= OnConnectionChanged;
        }
    }

    private void StartSubscribing(CancellationToken stoppingToken)
    {
        // Subscribing needs a connection; keep trying in the background so start-up never waits on Redis.
        var subscriber = redis.GetSubscriber();
        _ = Task.Run(
            async () =>
            {
                while (!stoppingToken.IsCancellationRequested)
                {
                    try
                    {
                        // A message queue, not a handler: messages are handled one at a time in publish order, so a
                        // heartbeat is never handled before a change published ahead of it.
                        var queue = await subscriber.SubscribeAsync(redisCache.Channel).ConfigureAwait(false);
                        queue.OnMessage(message => OnMessage(message.Message));
                        return;
                    }
                    catch (Exception ex) when (ex is RedisException or TimeoutException)
                    {
                        Log.SubscribeFailed(logger, ex.Message);
                        await Task.Delay(options.Value.HeartbeatInterval, timeProvider, stoppingToken).ConfigureAwait(false);
                    }
                }
            },
            stoppingToken);
    }

    private async Task ReconcileLoopAsync(CancellationToken stoppingToken)
    {
        var interval = options.Value.ReconcileInterval;
        while (!stoppingToken.IsCancellationRequested)
        {
            // Wake at the interval, or at once when a proven feed needs a reload before it can be trusted.
            using (var tick = new CancellationTokenSource(interval, timeProvider))
            using (var wait = CancellationTokenSource.CreateLinkedTokenSource(tick.Token, stoppingToken))
            {
                try
                {
                    await _reloadNow.WaitAsync(wait.Token).ConfigureAwait(false);
                }
                catch (OperationCanceledException) when (!stoppingToken.IsCancellationRequested)
                {
                }
            }

            await ReloadAsync(stoppingToken).ConfigureAwait(false);
        }
    }

    private async Task HeartbeatLoopAsync(CancellationToken stoppingToken)
    {
        using var timer = new PeriodicTimer(options.Value.HeartbeatInterval, timeProvider);
        do
        {
            health.Evaluate();
            try
            {
                var now = timeProvider.GetUtcNow();
                foreach (var (old, sent) in _sentHeartbeats)
                {
                    if (now - sent.At > options.Value.StalenessBound)
                    {
                        _sentHeartbeats.TryRemove(old, out _);
                    }
                }

                var nonce = Guid.NewGuid();
                _sentHeartbeats[nonce] = new SentHeartbeat(Interlocked.Read(ref _epoch), now);
                await redisCache.PublishAsync(new FeedMessage(FeedMessage.HeartbeatKind, null, nonce, now), stoppingToken).ConfigureAwait(false);
                health.Report(UnreachableStores.Redis, reachable: true);
            }
            catch (Exception ex) when (ex is RedisException or TimeoutException)
            {
                // Redis down: freshness now rests on the Postgres reconcile alone.
                health.Report(UnreachableStores.Redis, reachable: false);
            }
        }
        while (await timer.WaitForNextTickAsync(stoppingToken).ConfigureAwait(false));
    }

    /// <summary>Reloads the whole index; returns true on success.</summary>
    internal async Task<bool> ReloadAsync(CancellationToken cancellationToken)
    {
        var liveEpochAtStart = Interlocked.Read(ref _liveEpoch);
        var startedAt = timeProvider.GetUtcNow();
        index.BeginReload();
        try
        {
            var windows = await postgres.LoadUnexpiredAsync(startedAt, cancellationToken).ConfigureAwait(false);
            index.CompleteReload(windows);
            freshness.Confirm(startedAt);
            health.Report(UnreachableStores.Postgres, reachable: true);
            Loaded("postgres", windows.Count, liveEpochAtStart);
            return true;
        }
        catch (Exception ex) when (ex is NpgsqlException or TimeoutException or InvalidOperationException && !cancellationToken.IsCancellationRequested)
        {
            Log.ReloadFailed(logger, "postgres", ex.Message);
            health.Report(UnreachableStores.Postgres, reachable: false);
        }

        index.AbortReload();
        try
        {
            // Postgres is down, so nothing can be granted or changed now; what the feed may have missed while it was
            // broken are narrowing changes, and Redis still holds those (revoked windows stay until they expire).
            // Its copy does not itself confirm freshness; heartbeats on the proven feed do.
            var windows = await redisCache.LoadUnexpiredAsync(cancellationToken).ConfigureAwait(false);
            foreach (var window in windows)
            {
                index.ApplyNarrowing(window);
            }

            index.Prune(timeProvider.GetUtcNow());
            health.Report(UnreachableStores.Redis, reachable: true);
            Loaded("redis", windows.Count, liveEpochAtStart);
            return true;
        }
        catch (Exception ex) when (ex is RedisException or TimeoutException && !cancellationToken.IsCancellationRequested)
        {
            Log.ReloadFailed(logger, "redis", ex.Message);
            health.Report(UnreachableStores.Redis, reachable: false);
            return false;
        }
    }

    private void Loaded(string source, int count, long liveEpochAtStart)
    {
        if (!IsLoaded)
        {
            Log.IndexLoaded(logger, source, count);
        }

        IsLoaded = true;

        // The feed was proven live before this snapshot was read and has not broken since: it now covers every later change.
        if (liveEpochAtStart != 0 && liveEpochAtStart == Interlocked.Read(ref _epoch))
        {
            Interlocked.Exchange(ref _syncedEpoch, liveEpochAtStart);
        }

        health.Evaluate();
    }

    private void OnMessage(RedisValue value)
    {
        var message = RedisWindowCache.ParseMessage((byte[])value!);
        switch (message)
        {
            case { Kind: FeedMessage.WindowKind, Window: { } payload } when payload.ToWindow() is { } window:
                var narrowed = index.ApplyNarrowing(window);
                if (narrowed)
                {
                    RecordLag(message.SentAt, "feed");
                }

                // What could grant is taken from Postgres; so is the version of a narrowing, which the index did not
                // take from the message. A revocation is final and needs nothing more.
                if ((!narrowed || window.RevokedAt is null) && !_toConfirm.Writer.TryWrite((window.Id, message.SentAt)))
                {
                    TriggerReload();
                }

                break;
            case { Kind: FeedMessage.HeartbeatKind, Nonce: { } nonce } when _sentHeartbeats.TryRemove(nonce, out var sent):
                // Epoch and time are this replica's own record of the send, never the message's word.
                OnOwnHeartbeat(sent.Epoch, sent.At);
                break;
            case { Kind: FeedMessage.HeartbeatKind }:
                break;
            default:
                Log.BadFeedMessage(logger);
                break;
        }
    }

    /// <summary>A change that could grant is taken from Postgres, never from the message; if Postgres cannot say, it waits for the next reconcile.</summary>
    private async Task ConfirmLoopAsync(CancellationToken stoppingToken)
    {
        await foreach (var (id, sentAt) in _toConfirm.Reader.ReadAllAsync(stoppingToken).ConfigureAwait(false))
        {
            try
            {
                if (await postgres.GetAsync(id, stoppingToken).ConfigureAwait(false) is { } confirmed && index.Apply(confirmed))
                {
                    RecordLag(sentAt, "postgres");
                }
            }
            catch (Exception ex) when (ex is NpgsqlException or TimeoutException or InvalidOperationException && !stoppingToken.IsCancellationRequested)
            {
                Log.GrantNotConfirmed(logger, id, ex.Message);
                health.Report(UnreachableStores.Postgres, reachable: false);
            }
        }
    }

    /// <summary>The feed message's publish time is the publisher's word, but it only feeds a metric, never a decision.</summary>
    private void RecordLag(DateTimeOffset? sentAt, string appliedFrom)
    {
        if (sentAt is { } at)
        {
            metrics.RecordWindowChangeLag((timeProvider.GetUtcNow() - at).TotalSeconds, appliedFrom);
        }
    }

    private void OnOwnHeartbeat(long epoch, DateTimeOffset sentAt)
    {
        if (epoch != Interlocked.Read(ref _epoch))
        {
            return;
        }

        if (Interlocked.Read(ref _syncedEpoch) == epoch)
        {
            freshness.ConfirmFromFeed(sentAt);
            health.Evaluate();
            return;
        }

        if (Interlocked.Exchange(ref _liveEpoch, epoch) != epoch)
        {
            Log.FeedLive(logger);
            TriggerReload();
        }
    }

    private void OnConnectionChanged(object? sender, ConnectionFailedEventArgs e)
    {
        // Messages may have been lost while the connection was down: stop trusting the feed until it is proven again.
        // Every connection counts, not only the subscription one: with RESP3 the subscription rides the interactive
        // connection, and a needless reload costs far less than trusting a feed that dropped messages.
        Interlocked.Increment(ref _epoch);
        Log.FeedInterrupted(logger, e.ConnectionType.ToString(), e.FailureType.ToString());
        if (e.FailureType != ConnectionFailureType.None)
        {
            health.Report(UnreachableStores.Redis, reachable: false);
        }
    }

    private void TriggerReload()
    {
        try
        {
            if (_reloadNow.CurrentCount == 0)
            {
                _reloadNow.Release();
            }
        }
        catch (SemaphoreFullException)
        {
        }
        catch (ObjectDisposedException)
        {
        }
    }

    private sealed record SentHeartbeat(long Epoch, DateTimeOffset At);
}
