namespace AuthzWebhook.Elevations;

internal static partial class Log
{
    [LoggerMessage(8001, LogLevel.Information, "API certificate reloaded: {Thumbprint}, valid until {NotAfter:u}")]
    public static partial void ApiCertificateReloaded(ILogger logger, string thumbprint, DateTime notAfter);

    [LoggerMessage(8002, LogLevel.Warning, "API certificate files changed but could not be loaded; the previous certificate stays in use: {Problem}")]
    public static partial void ApiCertificateReloadFailed(ILogger logger, string problem);

    [LoggerMessage(8003, LogLevel.Information, "Elevation {ElevationId} {Action} by {Actor}: {FromState} -> {ToState}")]
    public static partial void Transition(ILogger logger, Guid elevationId, string action, string actor, string? fromState, string toState);

    [LoggerMessage(8004, LogLevel.Warning, "Expiry pass failed; it is retried on the next tick")]
    public static partial void ExpiryPassFailed(ILogger logger, Exception exception);

    [LoggerMessage(8005, LogLevel.Error, "API call {Path} failed: the elevation store is unavailable")]
    public static partial void StoreUnavailable(ILogger logger, string path, Exception exception);

    [LoggerMessage(8006, LogLevel.Warning, "Window {ElevationId} is committed but could not be applied or announced here; other replicas pick it up on their next reconcile")]
    public static partial void PropagationFailed(ILogger logger, Guid elevationId, Exception exception);
}
