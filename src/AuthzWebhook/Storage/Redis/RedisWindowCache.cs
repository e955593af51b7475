using System.Text.Json;
using AuthzWebhook.Hosting;
using AuthzWebhook.Observability;
using AuthzWebhook.Windows;
using Microsoft.Extensions.Options;
using StackExchange.Redis;

namespace AuthzWebhook.Storage.Redis;

/// <summary>
/// The hot copy of windows in Redis and the change feed. Each unexpired window is a key whose TTL is its time left,
/// listed in a sorted set by expiry; every change is published so every replica applies it at once.
/// Revoked windows stay (as tombstones) until they expire, mirroring what replicas load from Postgres.
/// </summary>
internal sealed class RedisWindowCache(IConnectionMultiplexer redis, IOptions<RedisOptions> options, TimeProvider timeProvider)
{
    private readonly string _prefix = options.Value.KeyPrefix;

    public RedisChannel Channel => RedisChannel.Literal(_prefix + "windows:changes");

    private RedisKey IndexKey => _prefix + "windows";

    private RedisKey WindowKey(Guid id) => _prefix + "window:" + id.ToString("N");

    public async Task StoreAndPublishAsync(ElevationWindow window, CancellationToken cancellationToken)
    {
        using var activity = RedisTracing.Start("store_and_publish_window");
        var db = redis.GetDatabase();
        var now = timeProvider.GetUtcNow();
        var payload = WindowPayload.From(window);
        var timeLeft = window.ExpiresAt - now;
        var transaction = db.CreateTransaction();
        if (timeLeft > TimeSpan.Zero)
        {
            _ = transaction.StringSetAsync(WindowKey(window.Id), JsonSerializer.SerializeToUtf8Bytes(payload, AuthzJsonContext.Default.WindowPayload), timeLeft);
            _ = transaction.SortedSetAddAsync(IndexKey, window.Id.ToString("N"), window.ExpiresAt.ToUnixTimeMilliseconds());
        }
        else
        {
            _ = transaction.KeyDeleteAsync(WindowKey(window.Id));
            _ = transaction.SortedSetRemoveAsync(IndexKey, window.Id.ToString("N"));
        }

        _ = transaction.SortedSetRemoveRangeByScoreAsync(IndexKey, double.NegativeInfinity, now.ToUnixTimeMilliseconds());
        await transaction.ExecuteAsync().WaitAsync(cancellationToken).ConfigureAwait(false);

        var message = new FeedMessage(FeedMessage.WindowKind, payload, Nonce: null, SentAt: now);
        await PublishAsync(message, cancellationToken).ConfigureAwait(false);
    }

    public Task PublishAsync(FeedMessage message, CancellationToken cancellationToken) =>
        redis.GetSubscriber().PublishAsync(Channel, JsonSerializer.SerializeToUtf8Bytes(message, AuthzJsonContext.Default.FeedMessage)).WaitAsync(cancellationToken);

    /// <summary>Every unexpired window Redis holds, revoked ones included; entries that do not parse are skipped.</summary>
    public async Task<IReadOnlyList<ElevationWindow>> LoadUnexpiredAsync(CancellationToken cancellationToken)
    {
        using var activity = RedisTracing.Start("load_windows");
        var db = redis.GetDatabase();
        var now = timeProvider.GetUtcNow().ToUnixTimeMilliseconds();
        var ids = await db.SortedSetRangeByScoreAsync(IndexKey, now, double.PositiveInfinity, Exclude.Start).WaitAsync(cancellationToken).ConfigureAwait(false);
        if (ids.Length == 0)
        {
            return [];
        }

        var keys = Array.ConvertAll(ids, id => (RedisKey)(_prefix + "window:" + id));
        var values = await db.StringGetAsync(keys).WaitAsync(cancellationToken).ConfigureAwait(false);
        var windows = new List<ElevationWindow>(values.Length);
        foreach (var value in values)
        {
            if (value.IsNull)
            {
                continue;
            }

            if (ParsePayload((byte[])value!)?.ToWindow() is { } window)
            {
                windows.Add(window);
            }
        }

        return windows;
    }

    public static FeedMessage? ParseMessage(ReadOnlySpan<byte> json)
    {
        try
        {
            return JsonSerializer.Deserialize(json, AuthzJsonContext.Default.FeedMessage);
        }
        catch (JsonException)
        {
            return null;
        }
    }

    private static WindowPayload? ParsePayload(ReadOnlySpan<byte> json)
    {
        try
        {
            return JsonSerializer.Deserialize(json, AuthzJsonContext.Default.WindowPayload);
        }
        catch (JsonException)
        {
            return null;
        }
    }
}
