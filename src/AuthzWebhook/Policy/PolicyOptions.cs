namespace AuthzWebhook.Policy;

internal sealed class PolicyOptions
{
    public const string Section = "AuthzWebhook:Policy";

    /// <summary>Path of the policy YAML file (relative paths are resolved against the content root).</summary>
    public string Path { get; set; } = string.Empty;

    /// <summary>How often the file is checked for changes. ConfigMap updates swap a symlink, which file watchers miss, so it is polled.</summary>
    public TimeSpan ReloadInterval { get; set; } = TimeSpan.FromSeconds(5);
}
