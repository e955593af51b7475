namespace AuthzWebhook.Hosting;

internal sealed class InstanceOptions
{
    public const string Section = "AuthzWebhook";

    /// <summary>Names this replica in decision records; defaults to the host name (the pod name in Kubernetes).</summary>
    public string InstanceName { get; set; } = Environment.MachineName;
}
