namespace AuthzWebhook.RbacAudit;

/// <summary>What one <c>kubectl get … -o json</c> file holds, looked up the way bindings reference roles.</summary>
internal sealed class RbacInventory(IReadOnlyList<RbacRole> roles, IReadOnlyList<RbacBinding> bindings)
{
    private readonly Dictionary<(string Kind, string Namespace, string Name), RbacRole> _roles = roles
        .GroupBy(r => (r.Kind, r.Namespace, r.Name))
        .ToDictionary(g => g.Key, g => g.Last());

    public IReadOnlyList<RbacRole> Roles { get; } = roles;

    public IReadOnlyList<RbacBinding> Bindings { get; } = bindings;

    /// <summary>A RoleBinding's <c>Role</c> is in the binding's namespace; a <c>ClusterRole</c> has none.</summary>
    public RbacRole? RoleOf(RbacBinding binding) =>
        _roles.GetValueOrDefault((binding.RoleKind, binding.RoleKind == RbacRole.RoleKind ? binding.Namespace : string.Empty, binding.RoleName));
}
