using System.Text.Json.Serialization;

namespace AuthzWebhook.Identity;

/// <summary>A JWK Set (RFC 7517 section 5) of public keys.</summary>
internal sealed record JsonWebKeySetView([property: JsonPropertyName("keys")] JsonWebKeyView[] Keys);
