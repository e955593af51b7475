using Npgsql;

namespace AuthzWebhook.IntegrationTests.Infrastructure;

/// <summary>
/// One PostgreSQL and one Redis for the whole test run: started here, or taken from AUTHZ_TEST_POSTGRES (an admin
/// connection string) and AUTHZ_TEST_REDIS (host:port) where a CI system provides them. Tests isolate themselves by
/// database and key prefix, never by starting servers of their own.
/// </summary>
public sealed class TestServers : IDisposable
{
    private readonly LocalPostgres? _postgres;
    private readonly LocalRedis? _redis;

    public TestServers()
    {
        var externalPostgres = Environment.GetEnvironmentVariable("AUTHZ_TEST_POSTGRES");
        var externalRedis = Environment.GetEnvironmentVariable("AUTHZ_TEST_REDIS");
        if (string.IsNullOrEmpty(externalPostgres))
        {
            _postgres = new LocalPostgres();
            PostgresAdmin = _postgres.AdminConnectionString;
        }
        else
        {
            PostgresAdmin = externalPostgres;
        }

        if (string.IsNullOrEmpty(externalRedis))
        {
            _redis = new LocalRedis();
            RedisConfiguration = _redis.Configuration;
        }
        else
        {
            RedisConfiguration = externalRedis;
        }
    }

    public string PostgresAdmin { get; }

    public string RedisConfiguration { get; }

    /// <summary>Creates an empty database and returns a connection string for it.</summary>
    public string CreateDatabase()
    {
        var name = "authz_test_" + Guid.NewGuid().ToString("N")[..16];
        using (var connection = new NpgsqlConnection(PostgresAdmin))
        {
            connection.Open();
            using var command = new NpgsqlCommand($"CREATE DATABASE \"{name}\"", connection);
            command.ExecuteNonQuery();
        }

        return new NpgsqlConnectionStringBuilder(PostgresAdmin) { Database = name, Pooling = true }.ConnectionString;
    }

    public void Dispose()
    {
        _redis?.Dispose();
        _postgres?.Dispose();
    }
}
