namespace AuthzWebhook.Windows;

internal static partial class Log
{
    [LoggerMessage(4001, LogLevel.Warning, "Window {WindowId} saved in Postgres but not published to Redis; other replicas pick it up at their next reconcile")]
    public static partial void FeedPublishFailed(ILogger logger, Guid windowId, Exception exception);

    [LoggerMessage(4002, LogLevel.Information, "Window index loaded from {Source}: {Count} unexpired windows")]
    public static partial void IndexLoaded(ILogger logger, string source, int count);

    [LoggerMessage(4003, LogLevel.Warning, "Window reload from {Source} failed: {Problem}")]
    public static partial void ReloadFailed(ILogger logger, string source, string problem);

    [LoggerMessage(4004, LogLevel.Warning, "Redis {ConnectionType} connection failed or was restored ({FailureType}); heartbeats confirm freshness again only once the feed is proven and the index reloaded")]
    public static partial void FeedInterrupted(ILogger logger, string connectionType, string failureType);

    [LoggerMessage(4005, LogLevel.Information, "Change feed proven live; reloading the window index before trusting it")]
    public static partial void FeedLive(ILogger logger);

    [LoggerMessage(4006, LogLevel.Warning, "Ignored a change feed message that did not parse or describe a valid window")]
    public static partial void BadFeedMessage(ILogger logger);

    [LoggerMessage(4007, LogLevel.Warning, "Degraded mode entered: {Problem}; granting from memory until {GrantingUntil}")]
    public static partial void DegradedEntered(ILogger logger, string problem, string grantingUntil);

    [LoggerMessage(4008, LogLevel.Information, "Degraded mode left after {Seconds:0.0} s: both stores answer and the window index is confirmed fresh")]
    public static partial void DegradedLeft(ILogger logger, double seconds);

    [LoggerMessage(4009, LogLevel.Warning, "Subscribing to the change feed failed; retrying: {Problem}")]
    public static partial void SubscribeFailed(ILogger logger, string problem);

    [LoggerMessage(4010, LogLevel.Warning, "Window {WindowId} announced on the change feed could not be confirmed in Postgres; it waits for the next reconcile: {Problem}")]
    public static partial void GrantNotConfirmed(ILogger logger, Guid windowId, string problem);

    [LoggerMessage(4011, LogLevel.Warning, "Granting stopped: elevation windows not confirmed fresh since {Since}; answering no opinion with an evaluation error until they are")]
    public static partial void GrantingStopped(ILogger logger, string since);

    [LoggerMessage(4012, LogLevel.Information, "Granting: elevation windows confirmed fresh")]
    public static partial void GrantingResumed(ILogger logger);
}
