using System.Text.Json.Serialization;

namespace AuthzWebhook.RbacAudit;

/// <summary>One binding of a <see cref="RbacSubjectView"/>; <c>template</c> and <c>guardrail</c> are set for people and teams.</summary>
internal sealed record RbacGrantView(
    [property: JsonPropertyName("binding_kind")] string BindingKind,
    [property: JsonPropertyName("binding_name")] string BindingName,
    [property: JsonPropertyName("binding_namespace")] string? BindingNamespace,
    [property: JsonPropertyName("role_kind")] string RoleKind,
    [property: JsonPropertyName("role_name")] string RoleName,
    [property: JsonPropertyName("role_in_input")] bool RoleInInput,
    [property: JsonPropertyName("scope")] string Scope,
    [property: JsonPropertyName("needs_action")] bool NeedsAction,
    [property: JsonPropertyName("reasons")] string[] Reasons,
    [property: JsonPropertyName("template")] string? Template,
    [property: JsonPropertyName("guardrail")] string? Guardrail)
{
    public static RbacGrantView From(RbacGrant grant, SuggestedTemplate? template) => new(
        grant.Binding.Kind,
        grant.Binding.Name,
        grant.Binding.IsClusterWide ? null : grant.Binding.Namespace,
        grant.Binding.RoleKind,
        grant.Binding.RoleName,
        !grant.RoleMissing && !grant.RoleAssumed,
        grant.Binding.IsClusterWide ? "cluster" : "namespace",
        grant.NeedsAction,
        [.. grant.Reasons],
        template?.Name,
        template?.GuardrailName);
}
