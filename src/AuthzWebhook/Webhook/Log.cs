namespace AuthzWebhook.Webhook;

internal static partial class Log
{
    [LoggerMessage(5001, LogLevel.Information, "Webhook certificates reloaded: server certificate {Thumbprint}, valid until {NotAfter:u}")]
    public static partial void CertificatesReloaded(ILogger logger, string thumbprint, DateTime notAfter);

    [LoggerMessage(5002, LogLevel.Warning, "Webhook certificate files changed but could not be loaded; the previous certificates stay in use: {Problem}")]
    public static partial void CertificateReloadFailed(ILogger logger, string problem);
}
