using Microsoft.AspNetCore.Authentication.JwtBearer;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;
using Microsoft.Identity.Web;

namespace AuthzWebhook.Identity;

internal static class IdentityExtensions
{
    /// <summary>The Microsoft.Identity.Web section: Entra ID by Instance/TenantId/ClientId, or any OIDC issuer by Authority/MetadataAddress/ClientId/Audience.</summary>
    public const string OidcSection = "AuthzWebhook:Oidc";

    /// <summary>The authorization policy of the REST API: a valid bearer token that maps to a Kubernetes identity.</summary>
    public const string ApiPolicy = "api";

    public static IServiceCollection AddIdentity(this IServiceCollection services, IConfiguration configuration)
    {
        // With a single scheme ASP.NET Core would make it the default and authenticate every request on every listener
        // (the webhook's hot path, the management port). Only the API's policy names the scheme.
        AppContext.SetSwitch("Microsoft.AspNetCore.Authentication.SuppressAutoDefaultScheme", true);
        services.AddOptions<IdentityOptions>().BindConfiguration(IdentityOptions.Section).ValidateOnStart();
        services.AddSingleton<IValidateOptions<IdentityOptions>, IdentityOptionsValidator>();
        services.AddOptions<DevelopmentIssuerOptions>().BindConfiguration(DevelopmentIssuerOptions.Section).ValidateOnStart();
        services.AddSingleton<IValidateOptions<DevelopmentIssuerOptions>, DevelopmentIssuerOptionsValidator>();
        services.AddOptions<OidcSettings>().BindConfiguration(OidcSection).ValidateOnStart();
        services.AddSingleton<IValidateOptions<OidcSettings>, OidcSettingsValidator>();
        services.TryAddSingleton<AcceptedIssuer>();
        services.TryAddSingleton<IdentityMapper>();
        services.TryAddSingleton<DevelopmentTokenIssuer>();

        // Only endpoints under the API policy look at bearer tokens (there is no authentication middleware), so the
        // webhook's hot path never runs token handling.
        services.AddAuthentication()
            .AddMicrosoftIdentityWebApi(configuration.GetSection(OidcSection), JwtBearerDefaults.AuthenticationScheme);

        // Authorization is by groups and policy, never by scopes or app roles in the token.
        services.AddOptions<MicrosoftIdentityOptions>(JwtBearerDefaults.AuthenticationScheme)
            .Configure<IOptions<DevelopmentIssuerOptions>>((o, development) =>
            {
                o.AllowWebApiToBeAuthorizedByACL = true;
                if (development.Value.Enabled)
                {
                    o.Instance = string.Empty;
                    o.TenantId = string.Empty;
                    o.Authority = development.Value.Issuer;
                    o.ClientId = development.Value.Audience;
                }
            });
        services.AddOptions<JwtBearerOptions>(JwtBearerDefaults.AuthenticationScheme).Configure(JwtBearerSetup.AllowLoopbackMetadata);
        services.AddSingleton<IPostConfigureOptions<JwtBearerOptions>, JwtBearerSetup>();
        services.AddAuthorization(o => o.AddPolicy(ApiPolicy, p => p.AddAuthenticationSchemes(JwtBearerDefaults.AuthenticationScheme).RequireAuthenticatedUser()));
        return services;
    }
}
