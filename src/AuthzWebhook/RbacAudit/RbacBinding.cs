namespace AuthzWebhook.RbacAudit;

/// <summary>A RoleBinding (<see cref="Namespace"/> set) or ClusterRoleBinding, with its subjects already resolved.</summary>
internal sealed record RbacBinding(
    string Kind,
    string Namespace,
    string Name,
    string RoleKind,
    string RoleName,
    RbacSubject[] Subjects,
    bool IsBootstrapDefault)
{
    public const string RoleBindingKind = "RoleBinding";
    public const string ClusterRoleBindingKind = "ClusterRoleBinding";

    public bool IsClusterWide => Kind == ClusterRoleBindingKind;

    public override string ToString() => IsClusterWide ? $"ClusterRoleBinding {Name}" : $"RoleBinding {Namespace}/{Name}";
}
