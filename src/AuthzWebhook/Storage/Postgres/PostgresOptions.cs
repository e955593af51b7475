namespace AuthzWebhook.Storage.Postgres;

internal sealed class PostgresOptions
{
    public const string Section = "AuthzWebhook:Postgres";

    /// <summary>Npgsql connection string. Supply the password through the environment or a mounted secret, never the config file.</summary>
    public string ConnectionString { get; set; } = string.Empty;

    /// <summary>Apply pending migrations from <c>sql/</c> when the service starts.</summary>
    public bool MigrateOnStart { get; set; } = true;
}
