namespace AuthzWebhook.Hosting;

internal sealed class ManagementOptions
{
    public const string Section = "AuthzWebhook:Management";

    public string BindAddress { get; set; } = "0.0.0.0";

    /// <summary>Plain HTTP for kubelet probes and Prometheus; exposes no decision data.</summary>
    public int Port { get; set; } = 9090;
}
