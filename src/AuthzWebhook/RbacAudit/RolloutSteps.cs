namespace AuthzWebhook.RbacAudit;

/// <summary>
/// The move from standing bindings to templates, as steps with the commands for this input. The last step does not
/// switch the guardrails to enforce: a guardrail wins over every window, so enforcing it would deny the template too.
/// </summary>
internal static class RolloutSteps
{
    public static List<string> For(RbacAuditReport report, SuggestedPolicy policy)
    {
        var steps = new List<string>();
        if (policy.Templates.Count == 0)
        {
            return steps;
        }

        var baseline = new List<string>();
        foreach (var template in policy.Templates)
        {
            var who = template.Subject.Kind == RbacSubject.Group ? $"--group={template.Subject.Name}" : $"--user={template.Subject.Name}";
            if (template.Namespaces.Length == 0)
            {
                baseline.Add($"kubectl create clusterrolebinding {template.Name}-view --clusterrole=view {who}");
            }
            else
            {
                baseline.AddRange(template.Namespaces.Select(ns => $"kubectl create rolebinding {template.Name}-view --clusterrole=view {who} -n {ns}"));
            }
        }

        steps.Add("1. Bind a read-only baseline, so that everyday reading needs no elevation:");
        steps.AddRange(baseline.Distinct().Select(c => "     " + c));
        steps.Add("2. Add the suggested templates to the policy (--policy-out FILE writes them), replace every "
            + PolicySuggester.Placeholder + " name, deploy, and have people request them.");
        steps.Add("3. Add the audit-mode guardrails from the same file. They see requests that RBAC allows only when the webhook");
        steps.Add("   runs before RBAC (docs/apiserver.md, placement B). A decision record with decision no_opinion and the guardrail");
        steps.Add("   in audit_guardrails is a use of the standing binding outside a window; allow with it is a use inside one.");
        steps.Add("4. When no_opinion uses have stopped, remove the standing bindings:");
        foreach (var binding in report.Grants.Where(g => g.Class is SubjectClass.Person or SubjectClass.Team && !g.RoleMissing).GroupBy(g => g.Binding))
        {
            var others = binding.Key.Subjects.Length - binding.Count();
            var remove = binding.Key.IsClusterWide ? $"kubectl delete clusterrolebinding {binding.Key.Name}" : $"kubectl delete rolebinding {binding.Key.Name} -n {binding.Key.Namespace}";
            steps.Add(others > 0
                ? $"     edit {binding.Key}: remove {string.Join(", ", binding.Select(g => g.Subject))} from its subjects ({others} other subject(s) keep it)"
                : "     " + remove);
        }

        steps.Add("5. Enforce: run rbac-audit in CI; it exits 1 while any standing privileged binding is left. Keep the guardrails in");
        steps.Add("   audit mode as the record of use, or delete them: in enforce mode a guardrail denies even inside a window,");
        steps.Add("   because guardrails win over windows.");
        return steps;
    }
}
