namespace AuthzWebhook.Identity;

/// <summary>
/// How a token becomes the Kubernetes identity the API server will send: the same claims and prefixes as the API
/// server's OIDC settings (<c>--oidc-username-claim</c>, <c>--oidc-username-prefix</c>, <c>--oidc-groups-claim</c>,
/// <c>--oidc-groups-prefix</c> or their AuthenticationConfiguration equivalents), so that an elevation's subject is exactly
/// the <c>spec.user</c> of the reviews it must cover. Role groups are Kubernetes group names, after the prefix.
/// </summary>
internal sealed class IdentityOptions
{
    public const string Section = "AuthzWebhook:Identity";

    /// <summary>
    /// The one issuer whose tokens are accepted, exactly as the API server's <c>--oidc-issuer-url</c>: a token whose
    /// <c>iss</c> differs is refused, and the default username prefix is this URL followed by <c>#</c>. Required with
    /// Entra ID, which issues v1.0 (<c>https://sts.windows.net/{tenant-id}/</c>) and v2.0
    /// (<c>https://login.microsoftonline.com/{tenant-id}/v2.0</c>) tokens for one tenant and Microsoft.Identity.Web
    /// accepts both; optional for another issuer, whose discovery document names exactly one.
    /// </summary>
    public string? IssuerUrl { get; set; }

    public string UsernameClaim { get; set; } = "email";

    /// <summary>
    /// As <c>--oidc-username-prefix</c>: unset or empty means the API server's default (no prefix for <c>email</c>,
    /// otherwise the issuer URL followed by <c>#</c>); <c>-</c> means no prefix; anything else is used as written.
    /// </summary>
    public string? UsernamePrefix { get; set; }

    public string GroupsClaim { get; set; } = "groups";

    public string GroupsPrefix { get; set; } = string.Empty;

    /// <summary>Members may revoke any elevation and close tickets.</summary>
    public string[] AdminGroups { get; set; } = [];

    /// <summary>Members may read decision records.</summary>
    public string[] AuditorGroups { get; set; } = [];

    /// <summary>The incident tool's identity: members may close tickets (revoking every elevation bound to one).</summary>
    public string[] IncidentToolGroups { get; set; } = [];

    /// <summary><c>acr</c> values that count as multi-factor sign-in, besides <c>amr</c> containing <c>mfa</c>.</summary>
    public string[] MfaAcrValues { get; set; } = [];

    /// <summary>Tolerance for clock differences with the issuer when checking <c>exp</c> and <c>nbf</c>.</summary>
    public TimeSpan ClockSkew { get; set; } = TimeSpan.FromSeconds(60);
}
