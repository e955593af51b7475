using System.Text;
using AuthzWebhook.Policy;

namespace AuthzWebhook.RbacAudit;

/// <summary>
/// Turns the people's and teams' grants into templates in the project's policy format: one per subject, role and
/// scope, with the role's rules as the binding grants them. Whole-cluster admin gets break-glass terms (30 minutes,
/// two approvals, MFA); other cluster-wide grants an hour, namespaced ones two, one approval each.
/// </summary>
internal static class PolicySuggester
{
    /// <summary>Marks names a person must replace; such a group holds nobody, so an unedited file grants and approves nothing.</summary>
    public const string Placeholder = "CHANGE-ME:";
    public const string ApproversPlaceholder = Placeholder + "approvers";
    private const string GuardrailPrefix = "standing-";
    private const int MaxName = 63;

    public static SuggestedPolicy Suggest(RbacAuditReport report)
    {
        var templates = new List<SuggestedTemplate>();
        var names = new HashSet<string>(StringComparer.Ordinal);
        foreach (var section in new[] { SubjectClass.Team, SubjectClass.Person })
        {
            foreach (var subject in report.Section(section))
            {
                var uses = subject.GroupBy(g => (g.Binding.RoleKind, g.Binding.RoleName, RoleNamespace: g.Binding.RoleKind == RbacRole.RoleKind ? g.Binding.Namespace : string.Empty, g.Binding.IsClusterWide));
                foreach (var use in uses)
                {
                    templates.Add(Build(subject.Key, [.. use], names));
                }
            }
        }

        return new SuggestedPolicy(templates);
    }

    private static SuggestedTemplate Build(RbacSubject subject, List<RbacGrant> grants, HashSet<string> names)
    {
        var first = grants[0];
        var clusterWide = first.Binding.IsClusterWide;
        string[] namespaces = clusterWide ? [] : [.. grants.Select(g => g.Binding.Namespace).Distinct().Order(StringComparer.Ordinal)];
        var notes = new List<string>();
        var rules = Convert(first.Rules, clusterWide, notes);
        var adminLike = first.Binding.RoleName == RuleDangers.ClusterAdmin
            || rules.Any(r => r.Verbs.Contains("*") && r.ApiGroups.Contains("*") && r.Resources.Contains("*"));

        var suffix = clusterWide ? string.Empty : first.Binding.RoleKind == RbacRole.RoleKind || namespaces.Length == 1 ? "-" + namespaces[0] : "-namespaces";
        var name = UniqueName(Slug(subject.Name) + "-" + Slug(first.Binding.RoleName) + Slug(suffix, keepLeadingDash: true), names);
        if (subject.Kind == RbacSubject.User)
        {
            notes.Add($"{subject.Name} is bound as a user; templates are requested through groups: replace the eligible group with one that holds them");
        }

        notes.Add($"{ApproversPlaceholder}: the group whose members approve (the requester never counts)");
        var bindings = string.Join(", ", grants.Select(g => g.Binding.ToString()));
        return new SuggestedTemplate(
            name,
            GuardrailPrefix + name,
            $"Replaces the standing {first.RoleText} of {subject} ({bindings}).",
            subject,
            clusterWide ? TemplateScope.Cluster : TemplateScope.Namespaced,
            namespaces,
            adminLike && clusterWide ? TimeSpan.FromMinutes(30) : clusterWide ? TimeSpan.FromHours(1) : TimeSpan.FromHours(2),
            adminLike && clusterWide ? 2 : 1,
            RequireMfa: clusterWide,
            rules,
            notes,
            grants);
    }

    /// <summary>
    /// Rules as the policy may hold them: a rule naming both resources and URLs is split, and what Kubernetes never
    /// matches (<c>pods/*</c>, a rule without apiGroups) is left out with a note, since the loader would refuse it.
    /// </summary>
    private static PolicyRule[] Convert(PolicyRule[] rules, bool clusterWide, List<string> notes)
    {
        var result = new List<PolicyRule>();
        foreach (var rule in rules)
        {
            var verbs = rule.Verbs.Where(v => !string.IsNullOrWhiteSpace(v)).ToArray();
            if (rule.ApiGroups.Length > 0 || rule.Resources.Length > 0)
            {
                var resources = rule.Resources.Where(r => PolicyRuleReader.ValidateResource(r) is null).ToArray();
                foreach (var dropped in rule.Resources.Except(resources))
                {
                    notes.Add($"left out resource '{dropped}': Kubernetes matches no request with it (only '*' and '*/subresource' are wildcards)");
                }

                if (rule.ApiGroups.Length > 0 && resources.Length > 0)
                {
                    result.Add(new PolicyRule(rule.ApiGroups, resources, verbs, [.. rule.ResourceNames.Where(n => !string.IsNullOrWhiteSpace(n))], []));
                }
                else if (rule.ApiGroups.Length == 0)
                {
                    notes.Add($"left out a rule on {string.Join(",", rule.Resources)} without apiGroups: it grants nothing in Kubernetes");
                }
            }

            if (rule.NonResourceUrls.Length > 0 && clusterWide)
            {
                var urls = rule.NonResourceUrls.Where(u => PolicyRuleReader.ValidateNonResourceUrl(u) is null).ToArray();
                foreach (var dropped in rule.NonResourceUrls.Except(urls))
                {
                    notes.Add($"left out non-resource URL '{dropped}': not a path or a '*' prefix");
                }

                if (urls.Length > 0)
                {
                    result.Add(new PolicyRule([], [], verbs, [], urls));
                }
            }
        }

        return [.. result];
    }

    /// <summary>Room is kept for the guardrail's prefix, so both names stay valid (lower-case DNS labels, at most 63 characters).</summary>
    private static string UniqueName(string wanted, HashSet<string> names)
    {
        var limit = MaxName - GuardrailPrefix.Length;
        var name = Fit(wanted, limit);
        for (var i = 2; !names.Add(name); i++)
        {
            var tail = "-" + i.ToString(System.Globalization.CultureInfo.InvariantCulture);
            name = Fit(wanted, limit - tail.Length) + tail;
        }

        return name;
    }

    private static string Fit(string name, int limit) => (name.Length <= limit ? name : name[..limit]).TrimEnd('-') is { Length: > 0 } fitted ? fitted : "subject";

    private static string Slug(string text, bool keepLeadingDash = false)
    {
        var slug = new StringBuilder(text.Length);
        foreach (var c in text.ToLowerInvariant())
        {
            var keep = c is (>= 'a' and <= 'z') or (>= '0' and <= '9');
            if (keep || (slug.Length > 0 && slug[^1] != '-') || (keepLeadingDash && slug.Length == 0))
            {
                slug.Append(keep ? c : '-');
            }
        }

        var result = slug.ToString().TrimEnd('-');
        return keepLeadingDash || result.Length > 0 ? result : "x";
    }
}
