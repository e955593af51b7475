namespace AuthzWebhook.Decisions;

internal static partial class Log
{
    [LoggerMessage(3001, LogLevel.Critical, "Decision records can no longer be written")]
    public static partial void DecisionOutputFailed(ILogger logger, Exception exception);
}
