using System.Text.Json.Serialization;

namespace AuthzWebhook.Clients;

/// <summary>What MSAL needs to sign in with Entra ID: the cloud instance and the tenant.</summary>
internal sealed record EntraIdView(
    [property: JsonPropertyName("instance")] string Instance,
    [property: JsonPropertyName("tenant_id")] string TenantId);
