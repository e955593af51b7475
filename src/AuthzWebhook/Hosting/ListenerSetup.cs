using System.Net;
using System.Security.Authentication;
using System.Security.Cryptography.X509Certificates;
using AuthzWebhook.Webhook;
using Microsoft.AspNetCore.Server.Kestrel.Core;
using Microsoft.AspNetCore.Server.Kestrel.Https;
using Microsoft.Extensions.Options;

namespace AuthzWebhook.Hosting;

/// <summary>
/// Binds the listeners: the webhook port with TLS 1.2+ and a required client certificate from the configured CA,
/// and the plain-HTTP management port.
/// </summary>
internal sealed class ListenerSetup(
    IOptions<WebhookOptions> webhook,
    IOptions<ManagementOptions> management,
    IHostEnvironment environment) : IConfigureOptions<KestrelServerOptions>
{
    public void Configure(KestrelServerOptions kestrel)
    {
        kestrel.AddServerHeader = false;
        var w = webhook.Value;
        var serverCertificate = LoadServerCertificate(Resolve(w.CertificatePath), Resolve(w.KeyPath));
        var validator = ClientCertificateValidator.FromPemFile(Resolve(w.ClientCaPath));

        kestrel.Listen(IPAddress.Parse(w.BindAddress), w.Port, listen =>
        {
            listen.Protocols = HttpProtocols.Http1AndHttp2;
            listen.UseHttps(new HttpsConnectionAdapterOptions
            {
                ServerCertificate = serverCertificate,
                SslProtocols = SslProtocols.Tls12 | SslProtocols.Tls13,
                ClientCertificateMode = ClientCertificateMode.RequireCertificate,
                CheckCertificateRevocation = false,
                ClientCertificateValidation = (certificate, _, _) => validator.IsTrusted(certificate),
            });
        });

        var m = management.Value;
        kestrel.Listen(IPAddress.Parse(m.BindAddress), m.Port, listen => listen.Protocols = HttpProtocols.Http1);
    }

    private string Resolve(string path) => Path.GetFullPath(path, environment.ContentRootPath);

    private static X509Certificate2 LoadServerCertificate(string certificatePath, string keyPath)
    {
        using var pem = X509Certificate2.CreateFromPemFile(certificatePath, keyPath);
        // SslStream on Linux needs the key in a form it can export; a PKCS#12 round trip gives it one.
        return X509CertificateLoader.LoadPkcs12(pem.Export(X509ContentType.Pkcs12), password: null);
    }
}
