using Microsoft.Extensions.Options;

namespace AuthzWebhook.Identity;

/// <summary>
/// Refuses to start with settings that would make every API call fail at the first request (Microsoft.Identity.Web
/// checks them lazily), and says which key to set for Entra ID or for a generic issuer.
/// </summary>
internal sealed class OidcSettingsValidator(IOptions<DevelopmentIssuerOptions> development) : IValidateOptions<OidcSettings>
{
    private const string Section = IdentityExtensions.OidcSection;

    public ValidateOptionsResult Validate(string? name, OidcSettings options)
    {
        if (development.Value.Enabled)
        {
            return ValidateOptionsResult.Success;
        }

        var failures = new List<string>();
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

    /// <summary>HTTPS, or plain HTTP on the loopback interface only (an identity provider on the same machine).</summary>
    public static bool IsSecure(Uri uri) => uri.Scheme == Uri.UriSchemeHttps || (uri.Scheme == Uri.UriSchemeHttp && uri.IsLoopback);
}
