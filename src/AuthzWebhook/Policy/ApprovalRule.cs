namespace AuthzWebhook.Policy;

/// <summary>
/// How a request for a template becomes active. The decision path only reads templates;
/// the elevation lifecycle enforces these rules.
/// </summary>
internal sealed record ApprovalRule(
    int RequiredApprovals,
    string[] ApproverGroups,
    bool RequireMfa,
    bool AutoApprove,
    TimeSpan? MaxPending,
    bool ExtensionRequiresApproval)
{
    public static readonly ApprovalRule Default = new(1, [], RequireMfa: false, AutoApprove: false, MaxPending: null, ExtensionRequiresApproval: true);
}
