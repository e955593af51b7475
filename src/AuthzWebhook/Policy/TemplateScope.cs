namespace AuthzWebhook.Policy;

/// <summary>Where a template's rules apply: inside chosen namespaces (like a RoleBinding) or cluster-wide (like a ClusterRoleBinding).</summary>
internal enum TemplateScope
{
    Namespaced,
    Cluster,
}
