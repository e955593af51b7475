using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;

namespace AuthzWebhook.Webhook;

/// <summary>
/// Accepts a client certificate only when it chains to one of the configured CAs (and nothing else: the system trust
/// store plays no part) and, if it states its purpose, is meant for client authentication.
/// </summary>
internal sealed class ClientCertificateValidator(X509Certificate2Collection trustedCas)
{
    private static readonly Oid ClientAuthentication = new("1.3.6.1.5.5.7.3.2");

    public static ClientCertificateValidator FromPem(string pem)
    {
        var cas = new X509Certificate2Collection();
        cas.ImportFromPem(pem);
        if (cas.Count == 0)
        {
            throw new InvalidOperationException("AuthzWebhook:Webhook:ClientCaPath holds no PEM certificate; it must name the CA that signs the API server's client certificate.");
        }

        return new ClientCertificateValidator(cas);
    }

    public bool IsTrusted(X509Certificate2 certificate)
    {
        using var chain = new X509Chain();
        chain.ChainPolicy.TrustMode = X509ChainTrustMode.CustomRootTrust;
        chain.ChainPolicy.CustomTrustStore.AddRange(trustedCas);
        chain.ChainPolicy.RevocationMode = X509RevocationMode.NoCheck;
        chain.ChainPolicy.DisableCertificateDownloads = true;
        chain.ChainPolicy.ApplicationPolicy.Add(ClientAuthentication);
        try
        {
            return chain.Build(certificate);
        }
        catch (CryptographicException)
        {
            return false;
        }
        finally
        {
            foreach (var element in chain.ChainElements)
            {
                element.Certificate.Dispose();
            }
        }
    }
}
