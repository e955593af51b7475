namespace AuthzWebhook.Notifications;

// Receiver URLs and header values are secrets: no message here takes them.
internal static partial class Log
{
    [LoggerMessage(6001, LogLevel.Debug, "Notification {OutboxId} ({Event}) delivered to {Receiver} on attempt {Attempt}")]
    public static partial void Delivered(ILogger logger, long outboxId, string @event, string receiver, int attempt);

    [LoggerMessage(6002, LogLevel.Warning, "Notification {OutboxId} ({Event}) to {Receiver} failed on attempt {Attempt} of {MaxAttempts}: {Problem}; next attempt at {NextAttemptAt:o}")]
    public static partial void AttemptFailed(ILogger logger, long outboxId, string @event, string receiver, int attempt, int maxAttempts, string problem, DateTimeOffset nextAttemptAt);

    [LoggerMessage(6003, LogLevel.Error, "Gave up on notification {OutboxId} ({Event}) to {Receiver} after {Attempts} attempts: {Problem}")]
    public static partial void GaveUp(ILogger logger, long outboxId, string @event, string receiver, int attempts, string problem);

    [LoggerMessage(6004, LogLevel.Error, "Gave up on notification {OutboxId} ({Event}): receiver {Receiver} is not configured under AuthzWebhook:Notifications:Receivers")]
    public static partial void ReceiverGone(ILogger logger, long outboxId, string @event, string receiver);

    [LoggerMessage(6005, LogLevel.Warning, "Notification outbox could not be read; trying again in {PollInterval}")]
    public static partial void OutboxUnavailable(ILogger logger, TimeSpan pollInterval, Exception exception);

    [LoggerMessage(6006, LogLevel.Warning, "Outcome of notification {OutboxId} to {Receiver} could not be recorded; it is tried again once its claim lapses, possibly a second time")]
    public static partial void OutcomeNotRecorded(ILogger logger, long outboxId, string receiver, Exception exception);

    [LoggerMessage(6007, LogLevel.Error, "Notification {OutboxId} to {Receiver} could not be rendered and is marked failed")]
    public static partial void Unrenderable(ILogger logger, long outboxId, string receiver, Exception exception);
}
