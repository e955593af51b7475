using System.Text.Json.Serialization;

namespace AuthzWebhook.Identity;

/// <summary>The fields of an OpenID Provider Metadata document that token verifiers (kube-apiserver, go-oidc) read.</summary>
internal sealed record DevelopmentIssuerDiscovery(
    [property: JsonPropertyName("issuer")] string Issuer,
    [property: JsonPropertyName("jwks_uri")] string JwksUri,
    [property: JsonPropertyName("response_types_supported")] string[] ResponseTypesSupported,
    [property: JsonPropertyName("subject_types_supported")] string[] SubjectTypesSupported,
    [property: JsonPropertyName("id_token_signing_alg_values_supported")] string[] SigningAlgorithms,
    [property: JsonPropertyName("claims_supported")] string[] ClaimsSupported);
