namespace AuthzWebhook.Storage.Postgres;

internal static partial class Log
{
    [LoggerMessage(2001, LogLevel.Information, "Applied migration {FileName}")]
    public static partial void MigrationApplied(ILogger logger, string fileName);

    [LoggerMessage(2002, LogLevel.Information, "Database schema is up to date ({Applied} migrations applied now)")]
    public static partial void MigrationsDone(ILogger logger, int applied);
}
