using System.Text.Json.Serialization;

namespace AuthzWebhook.Elevations;

/// <summary>How a template's requests become active; the requester never counts towards <see cref="Approvals"/>.</summary>
internal sealed record ApprovalRuleView(
    [property: JsonPropertyName("approvals")] int Approvals,
    [property: JsonPropertyName("approver_groups")] string[] ApproverGroups,
    [property: JsonPropertyName("require_mfa")] bool RequireMfa,
    [property: JsonPropertyName("auto_approve")] bool AutoApprove,
    [property: JsonPropertyName("max_pending")] string MaxPending,
    [property: JsonPropertyName("extension_requires_approval")] bool ExtensionRequiresApproval);
