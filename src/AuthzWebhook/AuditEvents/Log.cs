namespace AuthzWebhook.AuditEvents;

internal static partial class Log
{
    [LoggerMessage(10001, LogLevel.Warning, "{Skipped} of {Items} audit events in a posted EventList could not be used and were skipped (the first: items[{Index}]: {Reason}); the others were read")]
    public static partial void EventsSkipped(ILogger logger, int skipped, int items, int index, string reason);

    [LoggerMessage(10002, LogLevel.Information, "Audit events stored altered: {Truncated} with strings cut to {MaxLength} characters, {Replaced} with characters that are not text (NUL, unpaired surrogates, invalid UTF-8) replaced by U+FFFD")]
    public static partial void EventsAltered(ILogger logger, int truncated, int maxLength, int replaced);

    [LoggerMessage(10003, LogLevel.Error, "Postgres refused {Refused} of {Kept} audit events of a posted EventList for good (a value it cannot store); each was stored apart from the others, which were kept")]
    public static partial void EventsRefused(ILogger logger, int refused, int kept);
}
