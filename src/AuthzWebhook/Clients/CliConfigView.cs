using System.Text.Json.Serialization;

namespace AuthzWebhook.Clients;

/// <summary>
/// Everything <c>kubectl elevate login --server</c> needs to sign in to this service's identity provider: all public
/// (an issuer, a public client id, scopes), as in an OpenID discovery document.
/// </summary>
internal sealed record CliConfigView(
    [property: JsonPropertyName("issuer")] string Issuer,
    [property: JsonPropertyName("client_id")] string ClientId,
    [property: JsonPropertyName("scopes")] string[] Scopes,
    [property: JsonPropertyName("entra_id")] EntraIdView? EntraId);
