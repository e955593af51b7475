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
/// </summary>
internal sealed class WindowSynchronizer(
    ActiveWindowIndex index,
    WindowFreshness freshness,
    PostgresWindowStore postgres,
    RedisWindowCache redisCache,
    IConnectionMultiplexer redis,
    TimeProvider timeProvider,
    IOptions<WindowOptions> options,
    ILogger<WindowSynchronizer> logger) : BackgroundService
{
    private readonly Guid _self = Guid.NewGuid();
    private readonly SemaphoreSlim _reloadNow = new(0, 1);
    private long _epoch = 1;
    private long _liveEpoch;
    private long _syncedEpoch;
    private bool _wasFresh;

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
            await Task.WhenAll(ReconcileLoopAsync(stoppingToken), HeartbeatLoopAsync(stoppingToken)).ConfigureAwait(false);
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
                        await subscriber.SubscribeAsync(redisCache.Channel, (_, message) => OnMessage(message)).ConfigureAwait(false);
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
            TrackDegraded();
            try
            {
                var heartbeat = new FeedMessage(FeedMessage.HeartbeatKind, null, _self, Interlocked.Read(ref _epoch), timeProvider.GetUtcNow());
                await redisCache.PublishAsync(heartbeat, stoppingToken).ConfigureAwait(false);
            }
            catch (Exception ex) when (ex is RedisException or TimeoutException)
            {
                // Redis down: freshness now rests on the Postgres reconcile alone.
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
            Loaded("postgres", windows.Count, liveEpochAtStart);
            return true;
        }
        catch (Exception ex) when (ex is NpgsqlException or TimeoutException or InvalidOperationException && !cancellationToken.IsCancellationRequested)
        {
            Log.ReloadFailed(logger, "postgres", ex.Message);
        }

        try
        {
            // Postgres is down, so nothing can change: Redis's copy is as complete as the feed. It does not itself
            // confirm freshness; heartbeats on the proven feed do.
            var windows = await redisCache.LoadUnexpiredAsync(cancellationToken).ConfigureAwait(false);
            index.CompleteReload(windows);
            Loaded("redis", windows.Count, liveEpochAtStart);
            return true;
        }
        catch (Exception ex) when (ex is RedisException or TimeoutException && !cancellationToken.IsCancellationRequested)
        {
            index.AbortReload();
            Log.ReloadFailed(logger, "redis", ex.Message);
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

        TrackDegraded();
    }

    private void OnMessage(RedisValue value)
    {
        var message = RedisWindowCache.ParseMessage((byte[])value!);
        switch (message)
        {
            case { Kind: FeedMessage.WindowKind, Window: { } payload } when payload.ToWindow() is { } window:
                index.Apply(window);
                break;
            case { Kind: FeedMessage.HeartbeatKind, Sender: { } sender, SentAt: { } sentAt } when sender == _self:
                OnOwnHeartbeat(message.Epoch, sentAt);
                break;
            case { Kind: FeedMessage.HeartbeatKind }:
                break;
            default:
                Log.BadFeedMessage(logger);
                break;
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
            freshness.Confirm(sentAt);
            TrackDegraded();
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
        if (e.ConnectionType != ConnectionType.Subscription)
        {
            return;
        }

        // Messages may have been lost while the subscription was down: stop trusting the feed until it is proven again.
        Interlocked.Increment(ref _epoch);
        Log.FeedLost(logger, e.FailureType.ToString());
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

    private void TrackDegraded()
    {
        var fresh = freshness.IsFresh();
        if (fresh == _wasFresh)
        {
            return;
        }

        _wasFresh = fresh;
        if (fresh)
        {
            Log.DegradedLeft(logger);
        }
        else
        {
            Log.DegradedEntered(logger);
        }
    }
}
