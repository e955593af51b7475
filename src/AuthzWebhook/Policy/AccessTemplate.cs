namespace AuthzWebhook.Policy;

/// <summary>
/// A kind of access that can be requested: RBAC-shaped rules, where they apply and who may ask for them.
/// Group names are Kubernetes group names, exactly as the API server sends them in a SubjectAccessReview.
/// </summary>
internal sealed record AccessTemplate(
    string Name,
    string Description,
    TemplateScope Scope,
    NamespacePattern[] Namespaces,
    TimeSpan MaxDuration,
    string[] EligibleGroups,
    PolicyRule[] Rules,
    ApprovalRule Approval)
{
    /// <summary>True when a window of this template may cover <paramref name="ns"/> (cluster-scoped templates cover everything).</summary>
    public bool AllowsNamespace(string ns)
    {
        if (Scope == TemplateScope.Cluster)
        {
            return true;
        }

        foreach (var pattern in Namespaces)
        {
            if (pattern.Matches(ns))
            {
                return true;
            }
        }

        return false;
    }

    public bool IsEligible(ReadOnlySpan<string> groups) => NameLists.ContainsAny(groups, EligibleGroups);
}
