using StackExchange.Redis;

namespace AuthzWebhook.Observability;

/// <summary>
/// Whether the stores answered, as this replica last found out, for the <c>authz.store.up</c> gauge. Postgres is judged
/// by the window reconcile (every <c>Windows:ReconcileInterval</c>), Redis by the multiplexer's own connection state:
/// neither is probed just to be measured.
/// </summary>
internal sealed class StoreHealth(IConnectionMultiplexer redis)
{
    private volatile bool _postgres;

    public bool PostgresReachable => _postgres;

    public bool RedisReachable => redis.IsConnected;

    public void PostgresAnswered() => _postgres = true;

    public void PostgresFailed() => _postgres = false;
}
