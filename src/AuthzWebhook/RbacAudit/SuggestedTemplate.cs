using AuthzWebhook.Policy;

namespace AuthzWebhook.RbacAudit;

/// <summary>
/// A template that replaces one subject's standing use of one role, and the audit-mode guardrail that flags that use
/// while the standing binding still exists. <see cref="Notes"/> become comments above it in the policy file.
/// </summary>
internal sealed record SuggestedTemplate(
    string Name,
    string GuardrailName,
    string Description,
    RbacSubject Subject,
    TemplateScope Scope,
    string[] Namespaces,
    TimeSpan MaxDuration,
    int Approvals,
    bool RequireMfa,
    PolicyRule[] Rules,
    IReadOnlyList<string> Notes,
    IReadOnlyList<RbacGrant> Grants)
{
    /// <summary>Templates are requested by groups; a user bound by name gets a placeholder to replace with a group that holds them.</summary>
    public string EligibleGroup => Subject.Kind == RbacSubject.Group ? Subject.Name : $"{PolicySuggester.Placeholder}group-of-{Subject.Name}";
}
