using System.Net;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using AuthzWebhook.IntegrationTests.Infrastructure;

namespace AuthzWebhook.EndToEndTests.Cluster;

/// <summary>
/// The cluster's own PKI, apart from the webhook's (as in a real cluster): a cluster CA that signs the API server's
/// serving certificate and the client certificates of an administrator (group system:masters) and of a control-plane
/// component (system:kube-scheduler); and the service-account signing key. PEM files in <see cref="Directory"/>.
/// </summary>
internal sealed class ClusterPki : IDisposable
{
    private readonly X509Certificate2 _ca;

    public ClusterPki(string directory)
    {
        Directory = directory;
        System.IO.Directory.CreateDirectory(directory);
        using var caKey = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        _ca = TestPki.CreateCa("authz-e2e-cluster-ca", caKey);
        CaPath = Write("cluster-ca.crt", _ca.ExportCertificatePem());

        using var serving = TestPki.Issue(_ca, "CN=kube-apiserver", serverAuth: true,
            ["localhost", "kubernetes", "kubernetes.default", "kubernetes.default.svc"], [IPAddress.Loopback, IPAddress.Parse("10.0.0.1")]);
        (ServingCertificatePath, ServingKeyPath) = WritePair("apiserver", serving);

        using var admin = TestPki.Issue(_ca, "CN=e2e-admin, O=system:masters", serverAuth: false, [], []);
        (AdminCertificatePath, AdminKeyPath) = WritePair("admin", admin);

        using var scheduler = TestPki.Issue(_ca, "CN=system:kube-scheduler", serverAuth: false, [], []);
        (SchedulerCertificatePath, SchedulerKeyPath) = WritePair("scheduler", scheduler);

        using var serviceAccountKey = RSA.Create(2048);
        ServiceAccountKeyPath = Write("sa.key", serviceAccountKey.ExportPkcs8PrivateKeyPem());
        ServiceAccountPublicKeyPath = Write("sa.pub", serviceAccountKey.ExportSubjectPublicKeyInfoPem());
    }

    public string Directory { get; }

    public string CaPath { get; }

    public string ServingCertificatePath { get; }

    public string ServingKeyPath { get; }

    public string AdminCertificatePath { get; }

    public string AdminKeyPath { get; }

    public string SchedulerCertificatePath { get; }

    public string SchedulerKeyPath { get; }

    public string ServiceAccountKeyPath { get; }

    public string ServiceAccountPublicKeyPath { get; }

    /// <summary>Writes <paramref name="certificate"/> and its key as PEM files <c>name.crt</c> and <c>name.key</c>.</summary>
    public (string Certificate, string Key) WritePair(string name, X509Certificate2 certificate) =>
        (Write(name + ".crt", certificate.ExportCertificatePem()), Write(name + ".key", certificate.GetECDsaPrivateKey()!.ExportPkcs8PrivateKeyPem()));

    public void Dispose() => _ca.Dispose();

    private string Write(string name, string pem)
    {
        var path = Path.Combine(Directory, name);
        File.WriteAllText(path, pem);
        return path;
    }
}
