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
    WebhookCertificates certificates,
    ApiCertificate apiCertificate) : IConfigureOptions<KestrelServerOptions>
{
    public void Configure(KestrelServerOptions kestrel)
    {
        kestrel.AddServerHeader = false;
        var w = webhook.Value;

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

        var a = api.Value;
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

        var m = management.Value;
        kestrel.Listen(IPAddress.Parse(m.BindAddress), m.Port, listen => listen.Protocols = HttpProtocols.Http1);
    }
}
