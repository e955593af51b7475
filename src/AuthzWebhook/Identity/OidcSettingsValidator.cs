using Microsoft.Extensions.Options;

namespace AuthzWebhook.Identity;

/// <summary>
/// Refuses to start with settings that would make every API call fail at the first request (Microsoft.Identity.Web
/// checks them lazily), and says which key to set for Entra ID or for a generic issuer.
/// </summary>
internal sealed class OidcSettingsValidator(IOptions<DevelopmentIssuerOptions> development, IOptions<IdentityOptions> identity) : IValidateOptions<OidcSettings>
{
    private const string Section = IdentityExtensions.OidcSection;
    private const string IssuerUrlKey = IdentityOptions.Section + ":IssuerUrl";

    public ValidateOptionsResult Validate(string? name, OidcSettings options)
    {
        var issuerUrl = identity.Value.IssuerUrl;
        if (development.Value.Enabled)
        {
            return string.IsNullOrWhiteSpace(issuerUrl) || string.Equals(issuerUrl, development.Value.Issuer, StringComparison.Ordinal)
                ? ValidateOptionsResult.Success
                : ValidateOptionsResult.Fail($"{IssuerUrlKey} is '{issuerUrl}' but the development issuer is enabled, whose tokens carry '{development.Value.Issuer}'. " +
                    $"Leave {IssuerUrlKey} empty, or set {DevelopmentIssuerOptions.Section}:Issuer to it.");
        }

        var failures = new List<string>();
        ValidateIssuerUrl(options, issuerUrl, failures);
        if (string.IsNullOrWhiteSpace(options.ClientId))
        {
            failures.Add($"{Section}:ClientId is required: the application (client) id the API's tokens are issued for.");
        }

        var entra = !string.IsNullOrWhiteSpace(options.Instance);
        if (entra && string.IsNullOrWhiteSpace(options.TenantId))
        {
            failures.Add($"{Section}:TenantId is required with {Section}:Instance (Entra ID).");
        }
        else if (entra && options.TenantId!.Trim().ToLowerInvariant() is "common" or "organizations" or "consumers")
        {
            failures.Add($"{Section}:TenantId must name your tenant (its id or domain), not '{options.TenantId}': multi-tenant sign-in would accept " +
                "tokens from any tenant, whose users can claim any email address.");
        }

        if (!entra)
        {
            if (!Uri.TryCreate(options.Authority, UriKind.Absolute, out var authority) || !IsSecure(authority))
            {
                failures.Add($"{Section}: set Instance, TenantId and ClientId for Entra ID, or Authority (the https issuer URL), MetadataAddress " +
                    $"(<issuer>/.well-known/openid-configuration), ClientId and Audience for another OpenID Connect provider.");
            }

            if (!Uri.TryCreate(options.MetadataAddress, UriKind.Absolute, out var metadata) || !IsSecure(metadata))
            {
                failures.Add($"{Section}:MetadataAddress is required for a generic issuer: https://<issuer>/.well-known/openid-configuration " +
                    "(without it Microsoft.Identity.Web looks for an Entra ID v2.0 endpoint).");
            }

            if (string.IsNullOrWhiteSpace(options.Audience))
            {
                failures.Add($"{Section}:Audience is required for a generic issuer: the 'aud' value of tokens meant for this API.");
            }
        }

        return failures.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(failures);
    }

    /// <summary>
    /// Entra ID issues v1.0 and v2.0 tokens for one tenant under two issuer strings and Microsoft.Identity.Web accepts
    /// both, so without one configured issuer one account could sign in as two people (and approve its own request).
    /// </summary>
    private static void ValidateIssuerUrl(OidcSettings options, string? issuerUrl, List<string> failures)
    {
        var entra = !string.IsNullOrWhiteSpace(options.Instance);
        if (string.IsNullOrWhiteSpace(issuerUrl))
        {
            if (entra)
            {
                failures.Add($"{IssuerUrlKey} is required with Entra ID: set it to the API server's --oidc-issuer-url, " +
                    "https://login.microsoftonline.com/<tenant-id>/v2.0 for v2.0 tokens (accessTokenAcceptedVersion: 2 in the app registration's manifest) " +
                    "or https://sts.windows.net/<tenant-id>/ for v1.0 tokens. Entra ID issues both for one tenant and only the configured one is accepted, " +
                    "so that one account is always one person.");
            }

            return;
        }

        if (!Uri.TryCreate(issuerUrl, UriKind.Absolute, out var uri) || !IsSecure(uri))
        {
            failures.Add($"{IssuerUrlKey} must be the issuer's https URL, exactly as in its tokens' iss claim and the API server's --oidc-issuer-url.");
        }
        else if (entra && Guid.TryParse(options.TenantId, out var tenant) && !issuerUrl.Contains(tenant.ToString(), StringComparison.OrdinalIgnoreCase))
        {
            failures.Add($"{IssuerUrlKey} '{issuerUrl}' does not name the tenant {Section}:TenantId names ({tenant}); Entra ID's issuers contain the tenant id.");
        }
        else if (!entra && !string.IsNullOrWhiteSpace(options.Authority) && !string.Equals(issuerUrl, options.Authority, StringComparison.Ordinal))
        {
            // With IssuerUrl set, only it is compared with a token's iss: it must be the issuer whose keys are trusted.
            failures.Add($"{IssuerUrlKey} '{issuerUrl}' differs from {Section}:Authority '{options.Authority}': for an OpenID Connect issuer both are its issuer URL, exactly as in its tokens' iss. Make them equal, or leave {IssuerUrlKey} empty.");
        }
    }

    /// <summary>HTTPS, or plain HTTP on the loopback interface only (an identity provider on the same machine).</summary>
    public static bool IsSecure(Uri uri) => uri.Scheme == Uri.UriSchemeHttps || (uri.Scheme == Uri.UriSchemeHttp && uri.IsLoopback);
}
