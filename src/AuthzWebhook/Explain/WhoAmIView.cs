using System.Text.Json.Serialization;

namespace AuthzWebhook.Explain;

/// <summary>
/// The Kubernetes identity the service maps the caller's token to, as the API server derives it from the same token
/// (with <c>system:authenticated</c>), with the roles this service gives it and whether the sign-in counts as MFA.
/// </summary>
internal sealed record WhoAmIView(
    [property: JsonPropertyName("user")] string User,
    [property: JsonPropertyName("groups")] string[] Groups,
    [property: JsonPropertyName("roles")] string[] Roles,
    [property: JsonPropertyName("mfa")] bool Mfa);
