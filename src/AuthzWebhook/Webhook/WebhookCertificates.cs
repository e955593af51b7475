using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
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
    private readonly string _certificatePath;
    private readonly string _keyPath;
    private readonly string _caPath;
    private readonly TimeSpan _checkInterval;
    private readonly string[] _allowedNames;
    private readonly TimeProvider _timeProvider;
    private readonly ILogger<WebhookCertificates> _logger;
    private readonly Lock _reloadLock = new();
    private volatile Material _current;
    private long _nextCheck;

    public WebhookCertificates(IOptions<WebhookOptions> options, IHostEnvironment environment, TimeProvider timeProvider, ILogger<WebhookCertificates> logger)
    {
        var o = options.Value;
        _certificatePath = Path.GetFullPath(o.CertificatePath, environment.ContentRootPath);
        _keyPath = Path.GetFullPath(o.KeyPath, environment.ContentRootPath);
        _caPath = Path.GetFullPath(o.ClientCaPath, environment.ContentRootPath);
        _checkInterval = o.CertificateCheckInterval;
        _allowedNames = o.AllowedClientNames;
        _timeProvider = timeProvider;
        _logger = logger;

        // At start a bad file is fatal: better no listener than one nobody can trust.
        _current = Load(ReadFiles());
        _nextCheck = timeProvider.GetTimestamp();
    }

    public X509Certificate2 ServerCertificate => Refresh().Server;

    public bool IsTrustedClient(X509Certificate2 certificate) => Refresh().Clients.IsTrusted(certificate) && IsAllowedName(certificate);

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

    private Material Refresh()
    {
        var now = _timeProvider.GetTimestamp();
        if (now < Interlocked.Read(ref _nextCheck) || !_reloadLock.TryEnter())
        {
            return _current;
        }

        try
        {
            Interlocked.Exchange(ref _nextCheck, now + (long)(_checkInterval.TotalSeconds * _timeProvider.TimestampFrequency));
            var files = ReadFiles();
            if (files.SequenceEqual(_current.Files))
            {
                return _current;
            }

            _current = Load(files);
            Log.CertificatesReloaded(_logger, _current.Server.Thumbprint, _current.Server.NotAfter);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException or CryptographicException or InvalidOperationException or ArgumentException)
        {
            Log.CertificateReloadFailed(_logger, ex.Message);
        }
        finally
        {
            _reloadLock.Exit();
        }

        return _current;
    }

    private string[] ReadFiles() => [File.ReadAllText(_certificatePath), File.ReadAllText(_keyPath), File.ReadAllText(_caPath)];

    private static Material Load(string[] files)
    {
        using var pem = X509Certificate2.CreateFromPem(files[0], files[1]);
        // SslStream on Linux needs the key in a form it can export; a PKCS#12 round trip gives it one.
        var server = X509CertificateLoader.LoadPkcs12(pem.Export(X509ContentType.Pkcs12), password: null);
        return new Material(files, server, ClientCertificateValidator.FromPem(files[2]));
    }

    private sealed record Material(string[] Files, X509Certificate2 Server, ClientCertificateValidator Clients);
}
