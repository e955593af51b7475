namespace AuthzWebhook.Clients;

/// <summary>
/// How <c>kubectl elevate</c> signs in, served to it by <c>GET /api/v1/cli-config</c> so that nobody configures the
/// CLI by hand: the public client (no secret) registered for it at the identity provider, and the scopes it asks for.
/// </summary>
internal sealed class CliOptions
{
    public const string Section = "AuthzWebhook:Cli";

    /// <summary>The CLI's public client id at the identity provider (for Entra ID: a "mobile and desktop" app registration).</summary>
    public string? ClientId { get; set; }

    /// <summary>
    /// Scopes the CLI requests, besides <c>openid</c> and <c>offline_access</c>: for Entra ID this API's scope (e.g.
    /// <c>api://authz-webhook/access_as_user</c>), elsewhere what makes the token carry the identity claims (<c>email</c>).
    /// </summary>
    public string[] Scopes { get; set; } = [];
}
