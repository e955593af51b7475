using System.Text.Json.Serialization;

namespace AuthzWebhook.RbacAudit;

/// <summary>
/// <c>rbac-audit --format json</c>: the report for scripts. Names are stable within <c>authzwebhook.rbac-audit/v1</c>;
/// fields may be added, never renamed.
/// </summary>
internal sealed record RbacAuditView(
    [property: JsonPropertyName("schema")] string Schema,
    [property: JsonPropertyName("input")] string Input,
    [property: JsonPropertyName("bindings_read")] int BindingsRead,
    [property: JsonPropertyName("roles_read")] int RolesRead,
    [property: JsonPropertyName("has_findings")] bool HasFindings,
    [property: JsonPropertyName("subjects")] RbacSubjectView[] Subjects,
    [property: JsonPropertyName("steps")] string[] Steps)
{
    public const string SchemaV1 = "authzwebhook.rbac-audit/v1";

    public static RbacAuditView From(RbacAuditReport report, SuggestedPolicy policy, string input) => new(
        SchemaV1,
        input,
        report.BindingsRead,
        report.RolesRead,
        report.HasFindings,
        [.. report.Grants
            .GroupBy(g => g.Subject)
            .OrderBy(g => g.Min(x => x.Class))
            .ThenBy(g => g.Key.Kind, StringComparer.Ordinal)
            .ThenBy(g => g.Key.Namespace, StringComparer.Ordinal)
            .ThenBy(g => g.Key.Name, StringComparer.Ordinal)
            .Select(g => RbacSubjectView.From(g.Key, [.. g], policy))],
        [.. RolloutSteps.For(report, policy)]);
}
