using System.Text.Json.Serialization;
using AuthzWebhook.Policy;

namespace AuthzWebhook.Elevations;

/// <summary>A template the caller may request, with where, for how long and how it is approved.</summary>
internal sealed record TemplateView(
    [property: JsonPropertyName("name")] string Name,
    [property: JsonPropertyName("description")] string Description,
    [property: JsonPropertyName("scope")] string Scope,
    [property: JsonPropertyName("namespaces")] string[] Namespaces,
    [property: JsonPropertyName("max_duration")] string MaxDuration,
    [property: JsonPropertyName("approval")] ApprovalRuleView Approval)
{
    public static TemplateView From(AccessTemplate t, TimeSpan defaultMaxPending) => new(
        t.Name,
        t.Description,
        t.Scope == TemplateScope.Cluster ? "cluster" : "namespaced",
        [.. t.Namespaces.Select(n => n.Text)],
        IsoDuration.Format(t.MaxDuration),
        new ApprovalRuleView(
            t.Approval.AutoApprove ? 0 : t.Approval.RequiredApprovals,
            t.Approval.ApproverGroups,
            t.Approval.RequireMfa,
            t.Approval.AutoApprove,
            IsoDuration.Format(t.Approval.MaxPending ?? defaultMaxPending),
            t.Approval.ExtensionRequiresApproval && !t.Approval.AutoApprove));
}
