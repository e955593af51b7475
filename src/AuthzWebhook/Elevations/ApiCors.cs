using Microsoft.AspNetCore.Cors.Infrastructure;
using Microsoft.Extensions.Options;

namespace AuthzWebhook.Elevations;

/// <summary>
/// CORS for the API listener, only for the origins in <see cref="ApiCorsOptions.AllowedOrigins"/>. Tokens travel in the
/// Authorization header, never in cookies, so credentials are not allowed: a page can only use a token it already holds.
/// </summary>
internal static class ApiCors
{
    public const string Policy = "api";

    public static IServiceCollection AddApiCors(this IServiceCollection services)
    {
        services.AddCors();
        services.AddOptions<CorsOptions>().Configure<IOptions<ApiOptions>>((cors, api) =>
            cors.AddPolicy(Policy, policy => policy
                .WithOrigins(api.Value.Cors.AllowedOrigins)
                .WithMethods(HttpMethods.Get, HttpMethods.Post)
                .WithHeaders("Authorization", "Content-Type", "Idempotency-Key")
                .WithExposedHeaders("Location", "Retry-After")
                .SetPreflightMaxAge(TimeSpan.FromMinutes(10))));
        return services;
    }
}
