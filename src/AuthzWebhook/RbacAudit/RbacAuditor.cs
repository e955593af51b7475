using AuthzWebhook.Policy;

namespace AuthzWebhook.RbacAudit;

/// <summary>Finds every subject bound to cluster-admin, to a role with wildcard rules or to one that escalates (see <see cref="RuleDangers"/>).</summary>
internal static class RbacAuditor
{
    /// <summary>
    /// The API server recreates cluster-admin with these rules at every start (it is a bootstrap role), so a binding to
    /// it is judged even when the input holds only bindings.
    /// </summary>
    private static readonly RbacRole BuiltInClusterAdmin = new(
        RbacRole.ClusterRoleKind,
        string.Empty,
        RuleDangers.ClusterAdmin,
        [new PolicyRule(["*"], ["*"], ["*"], [], []), new PolicyRule([], [], ["*"], [], ["*"])],
        IsBootstrapDefault: true);

    public static RbacAuditReport Audit(RbacInventory inventory)
    {
        var grants = new List<RbacGrant>();
        foreach (var binding in inventory.Bindings)
        {
            var role = inventory.RoleOf(binding);
            var assumed = false;
            if (role is null && binding.RoleKind == RbacRole.ClusterRoleKind && binding.RoleName == RuleDangers.ClusterAdmin)
            {
                role = BuiltInClusterAdmin;
                assumed = true;
            }

            PolicyRule[] rules = [];
            List<string> reasons;
            if (role is null)
            {
                reasons = [$"{binding.RoleKind} {binding.RoleName} is not in the input: cannot tell what it grants (a missing role grants nothing; include roles and clusterroles in the input)"];
            }
            else
            {
                rules = RuleDangers.Effective(role, binding.IsClusterWide);
                reasons = RuleDangers.Find(role, rules, binding.IsClusterWide);
                if (reasons.Count == 0)
                {
                    continue;
                }
            }

            foreach (var subject in binding.Subjects.Distinct())
            {
                var (kind, why) = SubjectClassifier.Classify(subject, binding);
                grants.Add(new RbacGrant(subject, kind, why, binding, role, assumed, rules, reasons));
            }
        }

        return new RbacAuditReport(inventory.Roles.Count, inventory.Bindings.Count, grants);
    }
}
