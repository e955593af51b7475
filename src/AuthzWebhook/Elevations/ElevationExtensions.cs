using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;

namespace AuthzWebhook.Elevations;

internal static class ElevationExtensions
{
    public static IServiceCollection AddElevations(this IServiceCollection services)
    {
        services.AddOptions<ApiOptions>().BindConfiguration(ApiOptions.Section).ValidateOnStart();
        services.AddSingleton<IValidateOptions<ApiOptions>, ApiOptionsValidator>();
        services.AddOptions<ElevationOptions>().BindConfiguration(ElevationOptions.Section)
            .Validate(o => o.DefaultMaxPending > TimeSpan.Zero && o.DefaultMaxPending <= TimeSpan.FromDays(30), $"{ElevationOptions.Section}:DefaultMaxPending must be more than zero and at most 30 days.")
            .Validate(o => o.ExpiryCheckInterval > TimeSpan.Zero && o.ExpiryCheckInterval <= TimeSpan.FromMinutes(5), $"{ElevationOptions.Section}:ExpiryCheckInterval must be more than zero and at most 5 minutes.")
            .Validate(o => o.MinDuration >= TimeSpan.FromSeconds(1), $"{ElevationOptions.Section}:MinDuration must be at least one second.")
            .Validate(o => o.MaxPendingPerUser is >= 1 and <= 100, $"{ElevationOptions.Section}:MaxPendingPerUser must be between 1 and 100.")
            .Validate(o => o.Visibility is ElevationViewer.Involved or ElevationViewer.AllSignedIn, $"{ElevationOptions.Section}:Visibility must be '{ElevationViewer.Involved}' (callers see their own requests and those they may approve) or '{ElevationViewer.AllSignedIn}' (anyone signed in sees every elevation).")
            .Validate(o => o.ViewerGroups.All(g => !string.IsNullOrWhiteSpace(g)), $"{ElevationOptions.Section}:ViewerGroups must not hold empty group names.")
            .ValidateOnStart();
        services.TryAddSingleton<ApiCertificate>();
        services.TryAddSingleton<ElevationStore>();
        services.TryAddSingleton<ElevationService>();
        services.AddHostedService<ElevationExpiryService>();
        services.AddApiRateLimits();
        services.AddApiCors();
        services.AddProblemDetails(o => o.CustomizeProblemDetails = ApiProblemDetails.Customize);
        services.AddExceptionHandler<StoreUnavailableHandler>();
        // Answers use the wire contract: source-generated types and UTC timestamps with a Z, as the decision records.
        services.ConfigureHttpJsonOptions(o =>
        {
            o.SerializerOptions.TypeInfoResolverChain.Insert(0, Hosting.AuthzJsonContext.Default);
            o.SerializerOptions.Converters.Add(new Hosting.UtcTimestampConverter());
        });
        services.AddOpenApi(o => o.AddDocumentTransformer<BearerSecuritySchemeTransformer>());
        return services;
    }
}
