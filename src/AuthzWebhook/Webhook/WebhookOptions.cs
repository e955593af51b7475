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
}
