namespace AuthzWebhook.EndToEndTests.Cluster;

/// <summary>
/// What an API server needs to reach AuthzWebhook: its listener, the CA that signed its certificates (also the OIDC
/// issuer's), the client certificate the API server presents, and the development issuer.
/// </summary>
internal sealed record WebhookEndpoint(
    int WebhookPort,
    string CaPath,
    string ClientCertificatePath,
    string ClientKeyPath,
    string IssuerUrl,
    string ClientId);
