using System.Net;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;

namespace AuthzWebhook.IntegrationTests.Infrastructure;

/// <summary>
/// A real PKI made in-process (ECDSA P-256): a CA, the webhook's server certificate, the API server's client
/// certificate, and a second, untrusted CA with a client certificate of its own. PEM files land in a temp directory.
/// </summary>
public sealed class TestPki : IDisposable
{
    public TestPki()
    {
        Directory = System.IO.Directory.CreateTempSubdirectory("authz-test-pki-").FullName;
        using var caKey = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        Ca = CreateCa("authz-test-ca", caKey);
        ServerCertificate = Issue(Ca, "localhost", serverAuth: true);
        ClientCertificate = Issue(Ca, "kube-apiserver", serverAuth: false);
        NodeClientCertificate = Issue(Ca, "system:node:worker-1", serverAuth: false);

        using var otherKey = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        using var otherCa = CreateCa("someone-else-ca", otherKey);
        ForeignClientCertificate = Issue(otherCa, "kube-apiserver", serverAuth: false);

        CaPath = Write("ca.crt", Ca.ExportCertificatePem());
        ServerCertificatePath = Write("server.crt", ServerCertificate.ExportCertificatePem());
        ServerKeyPath = Write("server.key", ServerCertificate.GetECDsaPrivateKey()!.ExportPkcs8PrivateKeyPem());
    }

    public string Directory { get; }

    public X509Certificate2 Ca { get; }

    public X509Certificate2 ServerCertificate { get; private set; }

    public X509Certificate2 ClientCertificate { get; }

    public X509Certificate2 ForeignClientCertificate { get; }

    /// <summary>Signed by the same CA for another client (as a cluster CA signs kubelets).</summary>
    public X509Certificate2 NodeClientCertificate { get; }

    public string CaPath { get; }

    public string ServerCertificatePath { get; }

    public string ServerKeyPath { get; }

    /// <summary>Issues a new server certificate from the same CA and swaps the files in place, as a rotation does.</summary>
    public X509Certificate2 RotateServerCertificate()
    {
        var next = Issue(Ca, "localhost", serverAuth: true);
        Replace(ServerKeyPath, next.GetECDsaPrivateKey()!.ExportPkcs8PrivateKeyPem());
        Replace(ServerCertificatePath, next.ExportCertificatePem());
        ServerCertificate.Dispose();
        ServerCertificate = next;
        return next;
    }

    /// <summary>Makes <paramref name="other"/>'s CA the only one trusted for clients, in place.</summary>
    public void TrustOnlyClientsOf(TestPki other) => Replace(CaPath, other.Ca.ExportCertificatePem());

    /// <summary>An HTTPS client that trusts only this CA and presents <paramref name="clientCertificate"/> (null: none).</summary>
    public HttpClient CreateHttpClient(X509Certificate2? clientCertificate) =>
        new(CreateHttpHandler(clientCertificate)) { Timeout = TimeSpan.FromSeconds(15) };

    /// <summary>A handler that trusts only this CA for servers and presents <paramref name="clientCertificate"/> (null: none).</summary>
    public HttpClientHandler CreateHttpHandler(X509Certificate2? clientCertificate = null)
    {
        var handler = new HttpClientHandler
        {
            ClientCertificateOptions = ClientCertificateOption.Manual,
            ServerCertificateCustomValidationCallback = (_, certificate, _, _) =>
            {
                using var chain = new X509Chain();
                chain.ChainPolicy.TrustMode = X509ChainTrustMode.CustomRootTrust;
                chain.ChainPolicy.CustomTrustStore.Add(Ca);
                chain.ChainPolicy.RevocationMode = X509RevocationMode.NoCheck;
                return certificate is not null && chain.Build(certificate);
            },
        };
        if (clientCertificate is not null)
        {
            handler.ClientCertificates.Add(clientCertificate);
        }

        return handler;
    }

    public void Dispose()
    {
        Ca.Dispose();
        ServerCertificate.Dispose();
        ClientCertificate.Dispose();
        ForeignClientCertificate.Dispose();
        NodeClientCertificate.Dispose();
        System.IO.Directory.Delete(Directory, recursive: true);
    }

    private static void Replace(string path, string content)
    {
        File.WriteAllText(path + ".new", content);
        File.Move(path + ".new", path, overwrite: true);
    }

    private string Write(string name, string pem)
    {
        var path = Path.Combine(Directory, name);
        File.WriteAllText(path, pem);
        return path;
    }

    /// <summary>A self-signed CA certificate carrying <paramref name="key"/>, valid for a day.</summary>
    internal static X509Certificate2 CreateCa(string name, ECDsa key)
    {
        var request = new CertificateRequest($"CN={name}", key, HashAlgorithmName.SHA256);
        request.CertificateExtensions.Add(new X509BasicConstraintsExtension(true, false, 0, true));
        request.CertificateExtensions.Add(new X509KeyUsageExtension(X509KeyUsageFlags.KeyCertSign | X509KeyUsageFlags.CrlSign, true));
        request.CertificateExtensions.Add(new X509SubjectKeyIdentifierExtension(request.PublicKey, false));
        return request.CreateSelfSigned(DateTimeOffset.UtcNow.AddMinutes(-5), DateTimeOffset.UtcNow.AddDays(1));
    }

    private static X509Certificate2 Issue(X509Certificate2 ca, string name, bool serverAuth) =>
        Issue(ca, $"CN={name}", serverAuth, serverAuth ? ["localhost"] : [], serverAuth ? [IPAddress.Loopback] : []);

    /// <summary>
    /// A leaf certificate with its key, signed by <paramref name="ca"/>: <paramref name="subject"/> is a distinguished name
    /// (Kubernetes reads a client's user from CN and its groups from O); the names are its subject alternative names.
    /// </summary>
    internal static X509Certificate2 Issue(X509Certificate2 ca, string subject, bool serverAuth, string[] dnsNames, IPAddress[] addresses)
    {
        using var key = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var request = new CertificateRequest(subject, key, HashAlgorithmName.SHA256);
        request.CertificateExtensions.Add(new X509BasicConstraintsExtension(false, false, 0, true));
        request.CertificateExtensions.Add(new X509KeyUsageExtension(X509KeyUsageFlags.DigitalSignature, true));
        request.CertificateExtensions.Add(new X509EnhancedKeyUsageExtension(
            [new Oid(serverAuth ? "1.3.6.1.5.5.7.3.1" : "1.3.6.1.5.5.7.3.2")], false));
        if (dnsNames.Length > 0 || addresses.Length > 0)
        {
            var san = new SubjectAlternativeNameBuilder();
            foreach (var dnsName in dnsNames)
            {
                san.AddDnsName(dnsName);
            }

            foreach (var address in addresses)
            {
                san.AddIpAddress(address);
            }

            request.CertificateExtensions.Add(san.Build());
        }

        var serial = RandomNumberGenerator.GetBytes(16);
        serial[0] &= 0x7f;
        // The CA certificate was created self-signed, so it already carries caKey.
        using var issued = request.Create(ca, DateTimeOffset.UtcNow.AddMinutes(-5), DateTimeOffset.UtcNow.AddHours(12), serial);
        using var withKey = issued.CopyWithPrivateKey(key);
        // A PKCS#12 round trip gives SslStream on Linux a key it can use for client authentication.
        return X509CertificateLoader.LoadPkcs12(withKey.Export(X509ContentType.Pkcs12), null);
    }
}
