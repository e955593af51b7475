using System.Text.Json.Serialization;

namespace AuthzWebhook.Identity;

/// <summary>One public RSA signing key as a JWK (RFC 7517, RFC 7518 section 6.3.1): never private parameters.</summary>
internal sealed record JsonWebKeyView(
    [property: JsonPropertyName("kty")] string KeyType,
    [property: JsonPropertyName("use")] string Use,
    [property: JsonPropertyName("alg")] string Algorithm,
    [property: JsonPropertyName("kid")] string KeyId,
    [property: JsonPropertyName("n")] string Modulus,
    [property: JsonPropertyName("e")] string Exponent);
