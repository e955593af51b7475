namespace AuthzWebhook.Decisions;

internal static partial class Log
{
    [LoggerMessage(3001, LogLevel.Critical, "Decision records can no longer be written")]
    public static partial void DecisionOutputFailed(ILogger logger, Exception exception);

    [LoggerMessage(3002, LogLevel.Error, "{Count} decision records are on stdout but could not be spooled for Postgres; their reviews are answered 503")]
    public static partial void DecisionSpoolFailed(ILogger logger, int count, Exception exception);
}
