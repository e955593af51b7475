using System.Net;
using System.Security.Authentication;
using AuthzWebhook.Elevations;
using AuthzWebhook.Webhook;
using Microsoft.AspNetCore.Server.Kestrel.Core;
using Microsoft.AspNetCore.Server.Kestrel.Https;
using Microsoft.Extensions.Options;

namespace AuthzWebhook.Hosting;

/// <summary>
/// Binds the listeners: the webhook port with TLS 1.2+ and a required client certificate from the configured CA,
/// the API port with TLS 1.2+ for bearer tokens, and the plain-HTTP management port.
/// </summary>
internal sealed class ListenerSetup(
    IOptions<WebhookOptions> webhook,
    IOptions<ApiOptions> api,
    IOptions<ManagementOptions> management,
    IOptions<RequestHeaderLimitsOptions> headerLimits,
    WebhookCertificates certificates,
    ApiCertificate apiCertificate) : IConfigureOptions<KestrelServerOptions>
{
    public void Configure(KestrelServerOptions kestrel)
    {
        kestrel.AddServerHeader = false;

        // Stated here rather than left to Kestrel's defaults so that they are visible, configurable and the same on
        // every listener. HTTP/2 gets the same bound per header as in total, so both protocols refuse the same requests.
        var limits = headerLimits.Value;
        kestrel.Limits.MaxRequestHeadersTotalSize = limits.MaxRequestHeadersTotalSize;
        kestrel.Limits.MaxRequestHeaderCount = limits.MaxRequestHeaderCount;
        kestrel.Limits.MaxRequestLineSize = limits.MaxRequestLineSize;
        kestrel.Limits.Http2.MaxRequestHeaderFieldSize = limits.MaxRequestHeadersTotalSize;
        var w = webhook.Value;
        var a = api.Value;
        var m = management.Value;

        // Endpoints are kept to their listener by port (ListenerIsolationMiddleware), so no two listeners may share one,
        // even on different addresses: /authorize must never answer without mutual TLS.
        if (w.Port == a.Port || w.Port == m.Port || a.Port == m.Port)
        {
            throw new OptionsValidationException(Options.DefaultName, typeof(KestrelServerOptions), [
                $"AuthzWebhook:Webhook:Port ({w.Port}), AuthzWebhook:Api:Port ({a.Port}) and AuthzWebhook:Management:Port ({m.Port}) must all differ."]);
        }

        kestrel.Listen(IPAddress.Parse(w.BindAddress), w.Port, listen =>
        {
            listen.Protocols = HttpProtocols.Http1AndHttp2;
            listen.UseHttps(new HttpsConnectionAdapterOptions
            {
                // Looked up per handshake so that a rotated certificate is served without a restart.
                ServerCertificateSelector = (_, _) => certificates.ServerCertificate,
                SslProtocols = SslProtocols.Tls12 | SslProtocols.Tls13,
                ClientCertificateMode = ClientCertificateMode.RequireCertificate,
                CheckCertificateRevocation = false,
                ClientCertificateValidation = (certificate, _, _) => certificates.IsTrustedClient(certificate),
            });
        });

        kestrel.Listen(IPAddress.Parse(a.BindAddress), a.Port, listen =>
        {
            listen.Protocols = HttpProtocols.Http1AndHttp2;
            listen.UseHttps(new HttpsConnectionAdapterOptions
            {
                ServerCertificateSelector = (_, _) => apiCertificate.Current,
                SslProtocols = SslProtocols.Tls12 | SslProtocols.Tls13,
                ClientCertificateMode = ClientCertificateMode.NoCertificate,
            });
        });

        kestrel.Listen(IPAddress.Parse(m.BindAddress), m.Port, listen => listen.Protocols = HttpProtocols.Http1);
    }
}
