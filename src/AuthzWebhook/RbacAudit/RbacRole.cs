using AuthzWebhook.Policy;

namespace AuthzWebhook.RbacAudit;

/// <summary>A Role or ClusterRole from the input; for an aggregated ClusterRole, the rules the aggregation controller filled in.</summary>
internal sealed record RbacRole(string Kind, string Namespace, string Name, PolicyRule[] Rules, bool IsBootstrapDefault)
{
    public const string RoleKind = "Role";
    public const string ClusterRoleKind = "ClusterRole";

    public override string ToString() => Kind == RoleKind ? $"Role {Namespace}/{Name}" : $"ClusterRole {Name}";
}
