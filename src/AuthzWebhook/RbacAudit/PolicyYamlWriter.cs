using System.Text;
using System.Text.Encodings.Web;
using System.Text.Json;
using AuthzWebhook.Policy;

namespace AuthzWebhook.RbacAudit;

/// <summary>
/// Writes a <see cref="SuggestedPolicy"/> as one policy file (<c>authzwebhook/v1</c>). Every string is double-quoted
/// with JSON escapes, which YAML reads the same way, so no subject or resource name can change the file's structure.
/// </summary>
internal static class PolicyYamlWriter
{
    public static string Write(SuggestedPolicy policy, string source)
    {
        var yaml = new StringBuilder();
        yaml.AppendLine($"# Suggested by rbac-audit from {OneLine(source)}. Review before use: replace every {PolicySuggester.Placeholder}");
        yaml.AppendLine("# name, check the rules, and follow the rollout steps in docs/rbac-audit.md (guardrails stay in audit mode).");
        yaml.AppendLine($"apiVersion: {PolicyLoader.ApiVersion}");
        yaml.AppendLine();
        yaml.AppendLine(policy.Templates.Count == 0 ? "templates: []" : "templates:");
        foreach (var template in policy.Templates)
        {
            foreach (var note in template.Notes)
            {
                yaml.AppendLine($"  # {OneLine(note)}");
            }

            yaml.AppendLine($"  - name: {template.Name}");
            yaml.AppendLine($"    description: {Quote(template.Description)}");
            yaml.AppendLine($"    scope: {(template.Scope == TemplateScope.Cluster ? "cluster" : "namespaced")}");
            if (template.Namespaces.Length > 0)
            {
                yaml.AppendLine($"    namespaces: {List(template.Namespaces)}");
            }

            yaml.AppendLine($"    maxDuration: {IsoDuration.Format(template.MaxDuration)}");
            yaml.AppendLine($"    eligibleGroups: {List([template.EligibleGroup])}");
            WriteRules(yaml, template.Rules);
            yaml.AppendLine("    approval:");
            yaml.AppendLine($"      approvals: {template.Approvals}");
            yaml.AppendLine($"      approverGroups: {List([PolicySuggester.ApproversPlaceholder])}");
            yaml.AppendLine($"      requireMfa: {(template.RequireMfa ? "true" : "false")}");
            yaml.AppendLine();
        }

        yaml.AppendLine(policy.Templates.Count == 0 ? "guardrails: []" : "guardrails:");
        foreach (var template in policy.Templates)
        {
            // No except: the point is to see every use, inside a window (allow) and outside one (no_opinion).
            yaml.AppendLine($"  - name: {template.GuardrailName}");
            yaml.AppendLine($"    description: {Quote($"Use of what {template.Subject} held standing ({template.Grants[0].RoleText}); audit only, see template {template.Name}.")}");
            yaml.AppendLine("    mode: audit");
            yaml.AppendLine("    subjects:");
            yaml.AppendLine(template.Subject.Kind == RbacSubject.Group
                ? $"      groups: {List([template.Subject.Name])}"
                : $"      users: {List([template.Subject.UserName])}");
            if (template.Namespaces.Length > 0)
            {
                yaml.AppendLine($"    namespaces: {List(template.Namespaces)}");
            }

            WriteRules(yaml, template.Rules);
            yaml.AppendLine();
        }

        return yaml.ToString().TrimEnd('\n') + "\n";
    }

    private static void WriteRules(StringBuilder yaml, PolicyRule[] rules)
    {
        yaml.AppendLine("    rules:");
        foreach (var rule in rules)
        {
            if (rule.NonResourceUrls.Length > 0)
            {
                yaml.AppendLine($"      - nonResourceURLs: {List(rule.NonResourceUrls)}");
                yaml.AppendLine($"        verbs: {List(rule.Verbs)}");
                continue;
            }

            yaml.AppendLine($"      - apiGroups: {List(rule.ApiGroups)}");
            yaml.AppendLine($"        resources: {List(rule.Resources)}");
            yaml.AppendLine($"        verbs: {List(rule.Verbs)}");
            if (rule.ResourceNames.Length > 0)
            {
                yaml.AppendLine($"        resourceNames: {List(rule.ResourceNames)}");
            }
        }
    }

    private static string List(IEnumerable<string> values) => "[" + string.Join(", ", values.Select(Quote)) + "]";

    private static string Quote(string value) => "\"" + JsonEncodedText.Encode(value, JavaScriptEncoder.UnsafeRelaxedJsonEscaping).Value + "\"";

    private static string OneLine(string text) => text.ReplaceLineEndings(" ");
}
