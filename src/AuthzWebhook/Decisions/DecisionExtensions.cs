using AuthzWebhook.DecisionStore;
using AuthzWebhook.Observability;
using Microsoft.Extensions.DependencyInjection.Extensions;

namespace AuthzWebhook.Decisions;

internal static class DecisionExtensions
{
    public static IServiceCollection AddDecisions(this IServiceCollection services)
    {
        services.AddOptions<DecisionLogOptions>().BindConfiguration(DecisionLogOptions.Section)
            .Validate(o => o.Capacity is >= 1024 and <= 10_000_000, "AuthzWebhook:DecisionLog:Capacity must be between 1024 and 10000000.")
            .Validate(
                o => o.WriteTimeout >= TimeSpan.FromMilliseconds(100) && o.WriteTimeout <= TimeSpan.FromSeconds(25),
                "AuthzWebhook:DecisionLog:WriteTimeout must be between 00:00:00.100 and 00:00:25, below the API server's 30 s webhook timeout.")
            .Validate(o => !string.IsNullOrWhiteSpace(o.Output), "AuthzWebhook:DecisionLog:Output must be 'stdout' or a file path.")
            .ValidateOnStart();
        services.AddMetrics();
        services.AddSingleton<AuthzMetrics>();
        services.AddSingleton<DecisionEngine>();
        services.AddSingleton<DecisionRecordBuffer>();
        services.TryAddSingleton<DecisionChainer>();
        services.AddHostedService<DecisionRecordWriter>();
        return services;
    }
}
