using AuthzWebhook.Elevations;
using AuthzWebhook.Hosting;
using AuthzWebhook.Identity;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.Extensions.Options;

namespace AuthzWebhook.Clients;

/// <summary>
/// <c>GET /api/v1/cli-config</c>, anonymous: how the CLI signs in here. Anonymous because it is what a client needs
/// before it has a token, and it holds nothing secret; rate-limited like every API call.
/// </summary>
internal static class ClientsApi
{
    /// <summary>Asked for always, besides the configured scopes: an ID token, and a refresh token for silent renewal.</summary>
    private static readonly string[] StandardScopes = ["openid", "offline_access"];

    public static IServiceCollection AddClients(this IServiceCollection services)
    {
        services.AddOptions<CliOptions>().BindConfiguration(CliOptions.Section)
            .Validate(o => o.Scopes.All(s => !string.IsNullOrWhiteSpace(s) && !s.Any(char.IsWhiteSpace)), $"{CliOptions.Section}:Scopes must be scope names without spaces, e.g. api://authz-webhook/access_as_user.")
            .ValidateOnStart();
        return services;
    }

    public static IEndpointRouteBuilder MapClientsApi(this IEndpointRouteBuilder app)
    {
        app.MapGet("/api/v1/cli-config", CliConfig)
            .WithMetadata(new ListenerMetadata(ListenerKind.Api))
            .RequireRateLimiting(ApiRateLimits.Policy)
            .AllowAnonymous()
            .WithTags("Clients")
            .WithSummary("How kubectl elevate signs in to this service (no token needed)")
            .ProducesProblem(StatusCodes.Status404NotFound)
            .ProducesProblem(StatusCodes.Status429TooManyRequests)
            // The document requires a bearer token everywhere; this operation, asked before there is one, requires none.
            .AddOpenApiOperationTransformer((operation, _, _) =>
            {
                operation.Security = [];
                return Task.CompletedTask;
            });
        return app;
    }

    private static Results<Ok<CliConfigView>, ProblemHttpResult> CliConfig(
        IOptions<CliOptions> cli, IOptions<OidcSettings> oidc, AcceptedIssuer accepted, IOptions<DevelopmentIssuerOptions> development)
    {
        if (string.IsNullOrWhiteSpace(cli.Value.ClientId))
        {
            return ApiResults.Problem(new ApiError(
                StatusCodes.Status404NotFound,
                "cli-not-configured",
                "No CLI sign-in configured",
                $"This server does not say how kubectl elevate signs in: its operator sets {CliOptions.Section}:ClientId (the CLI's public client at the identity provider) and {CliOptions.Section}:Scopes."));
        }

        var o = oidc.Value;
        var issuer = accepted.Url ?? o.Authority ?? string.Empty;
        var entra = accepted.IsEntraId && !development.Value.Enabled ? new EntraIdView(o.Instance!, o.TenantId!) : null;
        return TypedResults.Ok(new CliConfigView(issuer, cli.Value.ClientId, [.. StandardScopes, .. cli.Value.Scopes.Except(StandardScopes, StringComparer.Ordinal)], entra));
    }
}
