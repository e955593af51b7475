using System.Security.Cryptography.X509Certificates;

namespace AuthzWebhook.Hosting;

internal static class ServerCertificates
{
    /// <summary>Loads a PEM certificate (with intermediates) and key the way SslStream on Linux needs them.</summary>
    public static X509Certificate2 FromPem(string certificatePem, string keyPem)
    {
        using var pem = X509Certificate2.CreateFromPem(certificatePem, keyPem);
        // SslStream on Linux needs the key in a form it can export; a PKCS#12 round trip gives it one.
        return X509CertificateLoader.LoadPkcs12(pem.Export(X509ContentType.Pkcs12), password: null);
    }
}
