using AuthzWebhook.Storage.Postgres;
using AuthzWebhook.Storage.Redis;
using StackExchange.Redis;

namespace AuthzWebhook.Windows;

/// <summary>
/// The one way windows change: Postgres first (the source of truth; a failure there fails the change), then this
/// replica's index, then Redis and the change feed for every other replica. A Redis failure does not undo the change:
/// the other replicas' reconcile loops pick it up from Postgres.
/// </summary>
internal sealed class WindowWriter(
    PostgresWindowStore store,
    RedisWindowCache cache,
    ActiveWindowIndex index,
    ILogger<WindowWriter> logger)
{
    public async Task<ElevationWindow> CreateAsync(ElevationWindow window, CancellationToken cancellationToken)
    {
        var saved = await store.InsertAsync(window, cancellationToken).ConfigureAwait(false);
        await PropagateAsync(saved, cancellationToken).ConfigureAwait(false);
        return saved;
    }

    public async Task<ElevationWindow?> RevokeAsync(Guid id, DateTimeOffset at, CancellationToken cancellationToken)
    {
        var saved = await store.RevokeAsync(id, at, cancellationToken).ConfigureAwait(false);
        if (saved is not null)
        {
            await PropagateAsync(saved, cancellationToken).ConfigureAwait(false);
        }

        return saved;
    }

    public async Task<ElevationWindow?> SetExpiryAsync(Guid id, DateTimeOffset expiresAt, CancellationToken cancellationToken)
    {
        var saved = await store.SetExpiryAsync(id, expiresAt, cancellationToken).ConfigureAwait(false);
        if (saved is not null)
        {
            await PropagateAsync(saved, cancellationToken).ConfigureAwait(false);
        }

        return saved;
    }

    /// <summary>Spreads a change already committed to Postgres: this replica's index at once, then Redis and the feed.</summary>
    public async Task PropagateAsync(ElevationWindow saved, CancellationToken cancellationToken)
    {
        index.Apply(saved);
        try
        {
            await cache.StoreAndPublishAsync(saved, cancellationToken).ConfigureAwait(false);
        }
        catch (Exception ex) when (ex is RedisException or TimeoutException)
        {
            Log.FeedPublishFailed(logger, saved.Id, ex);
        }
    }
}
