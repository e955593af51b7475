using AuthzWebhook.Policy;

namespace AuthzWebhook.RbacAudit;

/// <summary>The human-readable report: sections by what to do, subjects inside them, each grant with scope, role and why.</summary>
internal static class RbacAuditTextWriter
{
    private static readonly (SubjectClass Class, string Title, string? Advice)[] Sections =
    [
        (SubjectClass.Team, "Teams: move to templates", null),
        (SubjectClass.Person, "People: move to templates", null),
        (SubjectClass.Workload, "Workloads: give them a narrower Role",
            "workloads are not elevated by people: bind a Role with only the verbs and resources this workload uses"),
        (SubjectClass.Everyone, "Everyone: remove now", "this grant reaches every caller in the group; no template can make that safe"),
        (SubjectClass.System, "Leave as is (control plane / system)", null),
    ];

    public static IEnumerable<string> Lines(RbacAuditReport report, SuggestedPolicy policy, string source)
    {
        yield return $"rbac-audit: {report.BindingsRead} bindings and {report.RolesRead} roles read from {source}";
        yield return $"privileged grants: {report.Grants.Count} (teams {report.Count(SubjectClass.Team)}, people {report.Count(SubjectClass.Person)}, "
            + $"workloads {report.Count(SubjectClass.Workload)}, everyone {report.Count(SubjectClass.Everyone)}, role not in input {report.Missing.Count()}, "
            + $"system {report.Count(SubjectClass.System)})";

        foreach (var (section, title, advice) in Sections)
        {
            if (section == SubjectClass.System)
            {
                foreach (var line in MissingRoles(report))
                {
                    yield return line;
                }
            }

            var subjects = report.Section(section).ToList();
            if (subjects.Count == 0)
            {
                continue;
            }

            yield return string.Empty;
            yield return $"== {title} ==";
            foreach (var subject in subjects)
            {
                yield return string.Empty;
                yield return $"{subject.Key}  ({subject.First().ClassReason})";
                foreach (var grant in subject)
                {
                    foreach (var line in Grant(grant))
                    {
                        yield return line;
                    }

                    if (policy.For(grant) is { } template)
                    {
                        yield return $"    template:  {template.Name} ({(template.Namespaces.Length == 0 ? "cluster" : "namespaced: " + string.Join(", ", template.Namespaces))}, "
                            + $"{IsoDuration.Format(template.MaxDuration)}, {template.Approvals} approval(s){(template.RequireMfa ? ", MFA" : string.Empty)})";
                        yield return $"    guardrail: {template.GuardrailName} (mode: audit)";
                    }
                }

                if (advice is not null)
                {
                    yield return $"  note: {advice}";
                }
            }
        }

        var steps = RolloutSteps.For(report, policy);
        if (steps.Count > 0)
        {
            yield return string.Empty;
            yield return "== Rollout ==";
            foreach (var step in steps)
            {
                yield return step;
            }
        }

        yield return string.Empty;
        yield return report.HasFindings
            ? $"{report.Grants.Count(g => g.NeedsAction)} grant(s) need action (exit code 1)"
            : "no standing privileged access outside the system (exit code 0)";
    }

    private static IEnumerable<string> MissingRoles(RbacAuditReport report)
    {
        var missing = report.Missing.GroupBy(g => g.Binding).ToList();
        if (missing.Count == 0)
        {
            yield break;
        }

        yield return string.Empty;
        yield return "== Role not in input: check these bindings ==";
        foreach (var binding in missing)
        {
            yield return string.Empty;
            yield return $"{binding.Key} -> {binding.First().RoleText}, {binding.First().Scope}";
            yield return $"  why: {binding.First().Reasons[0]}";
            yield return $"  subjects: {string.Join(", ", binding.Select(g => g.Subject))}";
        }
    }

    private static IEnumerable<string> Grant(RbacGrant grant)
    {
        yield return $"  {grant.Binding} -> {grant.RoleText}{(grant.RoleAssumed ? " (not in input: the built-in definition)" : string.Empty)}, {grant.Scope}";
        foreach (var reason in grant.Reasons)
        {
            yield return $"    why: {reason}";
        }
    }
}
