using System.Globalization;
using AuthzWebhook.IntegrationTests.Infrastructure;

namespace AuthzWebhook.Benchmarks.Load;

/// <summary>The listener configuration both endpoints get, so that the comparison differs only in what answers.</summary>
internal static class ListenerSettings
{
    public static Dictionary<string, string?> For(TestPki pki, int webhookPort) => new()
    {
        ["AuthzWebhook:Webhook:BindAddress"] = "127.0.0.1",
        ["AuthzWebhook:Webhook:Port"] = webhookPort.ToString(CultureInfo.InvariantCulture),
        ["AuthzWebhook:Webhook:CertificatePath"] = pki.ServerCertificatePath,
        ["AuthzWebhook:Webhook:KeyPath"] = pki.ServerKeyPath,
        ["AuthzWebhook:Webhook:ClientCaPath"] = pki.CaPath,
        ["AuthzWebhook:Management:BindAddress"] = "127.0.0.1",
        ["AuthzWebhook:Management:Port"] = FreePort.Next().ToString(CultureInfo.InvariantCulture),
        ["AuthzWebhook:Api:BindAddress"] = "127.0.0.1",
        ["AuthzWebhook:Api:Port"] = FreePort.Next().ToString(CultureInfo.InvariantCulture),
        ["AuthzWebhook:Api:CertificatePath"] = pki.ServerCertificatePath,
        ["AuthzWebhook:Api:KeyPath"] = pki.ServerKeyPath,
        // The load runs never call the REST API; the issuer is never contacted.
        ["AuthzWebhook:Oidc:Authority"] = "https://issuer.invalid",
        ["AuthzWebhook:Oidc:MetadataAddress"] = "https://issuer.invalid/.well-known/openid-configuration",
        ["AuthzWebhook:Oidc:ClientId"] = "authz-webhook",
        ["AuthzWebhook:Oidc:Audience"] = "authz-webhook",
    };
}
