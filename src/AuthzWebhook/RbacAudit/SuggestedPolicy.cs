namespace AuthzWebhook.RbacAudit;

/// <summary>The templates and guardrails suggested for every person and team, in report order.</summary>
internal sealed record SuggestedPolicy(IReadOnlyList<SuggestedTemplate> Templates)
{
    public SuggestedTemplate? For(RbacGrant grant) => Templates.FirstOrDefault(t => t.Grants.Contains(grant));
}
