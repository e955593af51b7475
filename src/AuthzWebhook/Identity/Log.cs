namespace AuthzWebhook.Identity;

internal static partial class Log
{
    [LoggerMessage(7001, LogLevel.Information, "API caller refused: {Problem}")]
    public static partial void CallerRefused(ILogger logger, string problem);
}
