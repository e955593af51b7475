using AuthzWebhook.Decisions;
using AuthzWebhook.Policy;

namespace AuthzWebhook.RbacAudit;

/// <summary>
/// Why a role's rules are as good as cluster-admin, judged with Kubernetes' own matching
/// (<c>pkg/apis/rbac/v1/evaluation_helpers.go</c>): <c>*</c> in verbs, apiGroups or resources; <c>*/subresource</c>,
/// the only subresource wildcard Kubernetes has (<c>pods/*</c> is a literal that matches nothing); non-resource URLs
/// <c>*</c> or ending in <c>*</c> (a prefix); the verbs that hand out more access (<c>escalate</c>, <c>bind</c>,
/// <c>impersonate</c>); and, cluster-wide, reading secrets, which holds every service account's token.
/// </summary>
internal static class RuleDangers
{
    public const string ClusterAdmin = "cluster-admin";

    private static readonly string[] EscalatingVerbs = ["escalate", "bind", "impersonate"];

    private static readonly ReviewRequest[] SecretReads =
        [.. new[] { "get", "list", "watch" }.Select(v => new ReviewRequest { User = string.Empty, IsResourceRequest = true, Verb = v, Resource = "secrets" })];

    /// <summary>The reasons, in rule order without repeats; empty when nothing here is dangerous.</summary>
    public static List<string> Find(RbacRole role, PolicyRule[] effectiveRules, bool clusterWide)
    {
        var reasons = new List<string>();
        if (role.Kind == RbacRole.ClusterRoleKind && role.Name == ClusterAdmin)
        {
            reasons.Add("cluster-admin: every verb on every resource" + (clusterWide ? " and non-resource URL" : " in the namespace"));
        }

        foreach (var rule in effectiveRules)
        {
            // One line per rule, naming the fields that hold a wildcard, so the reader can find the rule in the role.
            var wildcards = new List<string>();
            if (rule.Verbs.Contains("*"))
            {
                wildcards.Add("verbs");
            }

            if (rule.Resources.Length > 0 && rule.ApiGroups.Contains("*"))
            {
                wildcards.Add("apiGroups");
            }

            if (rule.Resources.Any(r => r == "*" || r.StartsWith("*/", StringComparison.Ordinal)))
            {
                wildcards.Add("resources");
            }

            if (rule.NonResourceUrls.Any(u => u.EndsWith('*')))
            {
                wildcards.Add("nonResourceURLs");
            }

            if (wildcards.Count > 0)
            {
                Add(reasons, $"wildcard in {string.Join(", ", wildcards)}: {Describe(rule)}");
            }

            if (EscalatingVerbs.Where(rule.Verbs.Contains).ToArray() is { Length: > 0 } escalating)
            {
                Add(reasons, $"escalating verb {string.Join(", ", escalating)} (gives access beyond the role's own): {Describe(rule)}");
            }

            if (clusterWide && wildcards.Count == 0 && rule.Resources.Length > 0 && SecretReads.Any(r => RbacRuleMatcher.Allows(r, rule)))
            {
                Add(reasons, $"reads secrets in every namespace, service account tokens included: {Describe(rule)}");
            }
        }

        return reasons;
    }

    /// <summary>
    /// The rules that apply through this binding: a RoleBinding grants only namespaced resources, so non-resource URLs
    /// in a ClusterRole it references grant nothing there (the authorizer only consults ClusterRoleBindings for them).
    /// </summary>
    public static PolicyRule[] Effective(RbacRole role, bool clusterWide) =>
        clusterWide ? role.Rules : [.. role.Rules.Where(r => r.Resources.Length > 0 || r.ApiGroups.Length > 0)];

    private static void Add(List<string> reasons, string reason)
    {
        if (!reasons.Contains(reason))
        {
            reasons.Add(reason);
        }
    }

    /// <summary>The rule as kubectl describe shows it: verbs on resources (in API groups, named) or on non-resource URLs.</summary>
    private static string Describe(PolicyRule rule)
    {
        var parts = new List<string> { $"verbs [{Join(rule.Verbs)}]" };
        if (rule.Resources.Length > 0 || rule.ApiGroups.Length > 0)
        {
            parts.Add($"resources [{Join(rule.Resources)}]");
            parts.Add($"apiGroups [{string.Join(",", rule.ApiGroups.Select(g => g.Length == 0 ? "\"\"" : g))}]");
            if (rule.ResourceNames.Length > 0)
            {
                parts.Add($"resourceNames [{Join(rule.ResourceNames)}]");
            }
        }

        if (rule.NonResourceUrls.Length > 0)
        {
            parts.Add($"nonResourceURLs [{Join(rule.NonResourceUrls)}]");
        }

        return string.Join(" ", parts);
    }

    private static string Join(string[] values) => string.Join(",", values);
}
