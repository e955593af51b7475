namespace AuthzWebhook.Decisions;

internal static partial class Log
{
    [LoggerMessage(3001, LogLevel.Critical, "Decision records can no longer be written")]
    public static partial void DecisionOutputFailed(ILogger logger, Exception exception);

    [LoggerMessage(3002, LogLevel.Error, "Decision record {DecisionId} is on stdout but could not be spooled for Postgres")]
    public static partial void DecisionSpoolFailed(ILogger logger, Guid decisionId, Exception exception);

    [LoggerMessage(3003, LogLevel.Error, "Spooled decision records could not be flushed to disk; they are still on stdout")]
    public static partial void DecisionSpoolFlushFailed(ILogger logger, Exception exception);
}
