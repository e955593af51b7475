using AuthzWebhook.Policy;

namespace AuthzWebhook.RbacAudit;

/// <summary>
/// One subject holding one privileged binding: the report's unit. <see cref="Role"/> is null when the binding's role is
/// not in the input; <see cref="Rules"/> are what the binding actually grants (see <see cref="RuleDangers.Effective"/>).
/// </summary>
internal sealed record RbacGrant(
    RbacSubject Subject,
    SubjectClass Class,
    string ClassReason,
    RbacBinding Binding,
    RbacRole? Role,
    bool RoleAssumed,
    PolicyRule[] Rules,
    IReadOnlyList<string> Reasons)
{
    public bool RoleMissing => Role is null;

    /// <summary>Whoever holds it must act: everything but the system's own grants, and a role nobody could judge.</summary>
    public bool NeedsAction => Class != SubjectClass.System || RoleMissing;

    public string Scope => Binding.IsClusterWide ? "cluster-wide" : $"namespace {Binding.Namespace}";

    public string RoleText => Binding.RoleKind == RbacRole.RoleKind ? $"Role {Binding.Namespace}/{Binding.RoleName}" : $"ClusterRole {Binding.RoleName}";
}
