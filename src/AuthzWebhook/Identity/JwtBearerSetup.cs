using Microsoft.AspNetCore.Authentication.JwtBearer;
using Microsoft.Extensions.Options;
using Microsoft.Identity.Web;
using Microsoft.IdentityModel.Protocols;
using Microsoft.IdentityModel.Protocols.OpenIdConnect;
using Microsoft.IdentityModel.Tokens;

namespace AuthzWebhook.Identity;

/// <summary>
/// Tightens what Microsoft.Identity.Web sets up: claims keep their token names (the identity mapping reads <c>email</c>,
/// <c>groups</c>, <c>amr</c> as the API server does), only asymmetric signatures are accepted (no <c>none</c>, no HMAC
/// keyed with a public key), a generic OIDC issuer is checked by the standard issuer rule instead of the Entra one, only
/// the configured issuer URL is accepted, and the development issuer's key replaces discovery when it is enabled.
/// </summary>
internal sealed class JwtBearerSetup(
    IOptions<IdentityOptions> identity,
    IOptions<DevelopmentIssuerOptions> development,
    IOptionsMonitor<MicrosoftIdentityOptions> microsoftIdentity,
    AcceptedIssuer accepted,
    IServiceProvider services) : IPostConfigureOptions<JwtBearerOptions>
{
    public const string AuthenticationFailureItem = "authzwebhook.authentication_failure";

    private static readonly string[] AsymmetricAlgorithms =
    [
        SecurityAlgorithms.RsaSha256, SecurityAlgorithms.RsaSha384, SecurityAlgorithms.RsaSha512,
        SecurityAlgorithms.RsaSsaPssSha256, SecurityAlgorithms.RsaSsaPssSha384, SecurityAlgorithms.RsaSsaPssSha512,
        SecurityAlgorithms.EcdsaSha256, SecurityAlgorithms.EcdsaSha384, SecurityAlgorithms.EcdsaSha512,
    ];

    /// <summary>
    /// Runs after Microsoft.Identity.Web has set the metadata address and before the bearer handler checks it: plain HTTP
    /// is allowed only to a provider on this machine, where nothing on the network can tamper with it.
    /// </summary>
    public static void AllowLoopbackMetadata(JwtBearerOptions options)
    {
        if (Uri.TryCreate(options.MetadataAddress, UriKind.Absolute, out var metadata) && metadata.Scheme == Uri.UriSchemeHttp && metadata.IsLoopback)
        {
            options.RequireHttpsMetadata = false;
        }
    }

    public void PostConfigure(string? name, JwtBearerOptions options)
    {
        if (!string.Equals(name, JwtBearerDefaults.AuthenticationScheme, StringComparison.Ordinal))
        {
            return;
        }

        options.MapInboundClaims = false;
        // The problem details say what is wrong in words; the header would echo the token's issuer and audience.
        options.IncludeErrorDetails = false;
        var parameters = options.TokenValidationParameters;
        parameters.ValidAlgorithms = AsymmetricAlgorithms;
        parameters.RequireSignedTokens = true;
        parameters.RequireExpirationTime = true;
        parameters.ValidateLifetime = true;
        parameters.ValidateIssuer = true;
        parameters.ValidateAudience = true;
        parameters.ClockSkew = identity.Value.ClockSkew;

        if (development.Value.Enabled)
        {
            var issuer = services.GetRequiredService<DevelopmentTokenIssuer>();
            var configuration = new OpenIdConnectConfiguration { Issuer = issuer.Issuer };
            configuration.SigningKeys.Add(issuer.SigningKey);
            options.ConfigurationManager = new StaticConfigurationManager<OpenIdConnectConfiguration>(configuration);
            parameters.IssuerValidator = null;
            parameters.ValidIssuer = issuer.Issuer;
            parameters.ValidAudience = issuer.Audience;
        }
        else if (string.IsNullOrEmpty(microsoftIdentity.Get(name).Instance))
        {
            // A generic issuer (Dex, Keycloak, Okta): the issuer in its discovery document must match the token's exactly.
            parameters.IssuerValidator = null;
        }

        // One issuer, as the API server has one --oidc-issuer-url: without this, an Entra ID account would sign in
        // with v1.0 and v2.0 tokens under two issuer strings, i.e. as two people.
        if (accepted.Url is { } url)
        {
            var inner = parameters.IssuerValidator;
            parameters.IssuerValidator = new ExactIssuerValidator(url, inner).Validate;
        }

        var validated = options.Events.OnTokenValidated;
        options.Events.OnTokenValidated = async context =>
        {
            await validated(context).ConfigureAwait(false);
            if (context.Result is not null || context.Principal is null)
            {
                return;
            }

            // A token that cannot become the Kubernetes identity (group overage, no username claim) must not
            // authenticate at all: treating it as "no groups" would turn approvers and admins into ordinary users.
            var http = context.HttpContext;
            if (http.RequestServices.GetRequiredService<IdentityMapper>().TryMap(context.Principal, out var caller, out var problem))
            {
                http.Items[CallerIdentity.Item] = caller;
                return;
            }

            Log.CallerRefused(http.RequestServices.GetRequiredService<ILogger<IdentityMapper>>(), problem!);
            http.Items[AuthenticationFailureItem] = problem;
            context.Fail(problem!);
        };

        var failed = options.Events.OnAuthenticationFailed;
        options.Events.OnAuthenticationFailed = async context =>
        {
            // Kept for the problem details of the 401, which say what to fix.
            context.HttpContext.Items[AuthenticationFailureItem] = AuthenticationProblems.Describe(context.Exception);
            await failed(context).ConfigureAwait(false);
        };
    }
}
