namespace AuthzWebhook.Webhook;

internal sealed class WebhookOptions
{
    public const string Section = "AuthzWebhook:Webhook";

    public string BindAddress { get; set; } = "0.0.0.0";

    public int Port { get; set; } = 8443;

    /// <summary>PEM certificate (with any intermediates) that the webhook presents to the API server.</summary>
    public string CertificatePath { get; set; } = string.Empty;

    /// <summary>PEM private key of <see cref="CertificatePath"/>.</summary>
    public string KeyPath { get; set; } = string.Empty;

    /// <summary>PEM bundle of the CA(s) that sign the API server's client certificate; nothing else may call the webhook.</summary>
    public string ClientCaPath { get; set; } = string.Empty;

    /// <summary>
    /// If set, only client certificates whose subject common name or a DNS subject alternative name is listed are
    /// accepted. Set it whenever <see cref="ClientCaPath"/> also signs other clients (a cluster CA signs kubelets).
    /// </summary>
    public string[] AllowedClientNames { get; set; } = [];

    /// <summary>How often the certificate files are checked for rotation (on a handshake, never more often).</summary>
    public TimeSpan CertificateCheckInterval { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>Largest review body accepted; real reviews are a few hundred bytes.</summary>
    public int MaxBodyBytes { get; set; } = 64 * 1024;

    /// <summary>
    /// Deepest JSON nesting accepted. A review is at most 7 levels deep (a field selector's requirement values);
    /// the rest is headroom for fields Kubernetes may add, which are skipped but still nested.
    /// </summary>
    public int MaxJsonDepth { get; set; } = 16;

    /// <summary>
    /// Longest string accepted in any review field (user, uid, each group, extra key and value, every attribute).
    /// Kubernetes names are at most 253 characters; OIDC usernames and groups are e-mail addresses and short names.
    /// </summary>
    public int MaxStringLength { get; set; } = 1024;

    /// <summary>Most groups in one review. Entra ID puts at most 200 in a token and sends an overage claim beyond that.</summary>
    public int MaxGroups { get; set; } = 512;

    /// <summary>Most keys in <c>spec.extra</c>; the API server sends a handful (scopes, credential id, pod and node of a service account).</summary>
    public int MaxExtraKeys { get; set; } = 64;

    /// <summary>Most values under one <c>spec.extra</c> key.</summary>
    public int MaxExtraValues { get; set; } = 256;
}
