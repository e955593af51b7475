using System.Security.Cryptography.X509Certificates;
using AuthzWebhook.Hosting;
using Microsoft.Extensions.Options;

namespace AuthzWebhook.Webhook;

/// <summary>
/// The webhook's server certificate and the client CA bundle, re-read when their files change: cert-manager and
/// kubelet rotate mounted secrets in place, and a rotation must not need a restart. Files are checked at most once per
/// <see cref="WebhookOptions.CertificateCheckInterval"/>, on a TLS handshake; material that fails to load (a half-written
/// file) is ignored and the previous certificates stay in use.
/// </summary>
internal sealed class WebhookCertificates
{
    private readonly string[] _allowedNames;
    private readonly ReloadingFiles<Material> _files;

    public WebhookCertificates(IOptions<WebhookOptions> options, IHostEnvironment environment, TimeProvider timeProvider, ILogger<WebhookCertificates> logger)
    {
        var o = options.Value;
        _allowedNames = o.AllowedClientNames;
        _files = new ReloadingFiles<Material>(
            [.. new[] { o.CertificatePath, o.KeyPath, o.ClientCaPath }.Select(p => Path.GetFullPath(p, environment.ContentRootPath))],
            o.CertificateCheckInterval,
            timeProvider,
            files => new Material(ServerCertificates.FromPem(files[0], files[1]), ClientCertificateValidator.FromPem(files[2])),
            material => Log.CertificatesReloaded(logger, material.Server.Thumbprint, material.Server.NotAfter),
            problem => Log.CertificateReloadFailed(logger, problem));
    }

    public X509Certificate2 ServerCertificate => _files.Current.Server;

    public bool IsTrustedClient(X509Certificate2 certificate) => _files.Current.Clients.IsTrusted(certificate) && IsAllowedName(certificate);

    private bool IsAllowedName(X509Certificate2 certificate)
    {
        if (_allowedNames.Length == 0)
        {
            return true;
        }

        if (Array.IndexOf(_allowedNames, certificate.GetNameInfo(X509NameType.SimpleName, forIssuer: false)) >= 0)
        {
            return true;
        }

        foreach (var extension in certificate.Extensions)
        {
            if (extension is X509SubjectAlternativeNameExtension san)
            {
                foreach (var dns in san.EnumerateDnsNames())
                {
                    if (Array.IndexOf(_allowedNames, dns) >= 0)
                    {
                        return true;
                    }
                }
            }
        }

        return false;
    }

    private sealed record Material(X509Certificate2 Server, ClientCertificateValidator Clients);
}
