using System.Security.Cryptography.X509Certificates;
using AuthzWebhook.Hosting;
using Microsoft.Extensions.Options;

namespace AuthzWebhook.Elevations;

/// <summary>The API listener's server certificate, picked up again when its files are rotated.</summary>
internal sealed class ApiCertificate
{
    private readonly ReloadingFiles<X509Certificate2> _files;

    public ApiCertificate(IOptions<ApiOptions> options, IHostEnvironment environment, TimeProvider timeProvider, ILogger<ApiCertificate> logger)
    {
        var o = options.Value;
        _files = new ReloadingFiles<X509Certificate2>(
            [Path.GetFullPath(o.CertificatePath, environment.ContentRootPath), Path.GetFullPath(o.KeyPath, environment.ContentRootPath)],
            o.CertificateCheckInterval,
            timeProvider,
            files => ServerCertificates.FromPem(files[0], files[1]),
            certificate => Log.ApiCertificateReloaded(logger, certificate.Thumbprint, certificate.NotAfter),
            problem => Log.ApiCertificateReloadFailed(logger, problem));
    }

    public X509Certificate2 Current => _files.Current;
}
