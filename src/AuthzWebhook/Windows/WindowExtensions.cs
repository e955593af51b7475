using Microsoft.Extensions.Options;

namespace AuthzWebhook.Windows;

internal static class WindowExtensions
{
    public static IServiceCollection AddWindows(this IServiceCollection services)
    {
        services.AddOptions<WindowOptions>().BindConfiguration(WindowOptions.Section).ValidateOnStart();
        services.AddSingleton<IValidateOptions<WindowOptions>, WindowOptionsValidator>();
        services.AddSingleton<ActiveWindowIndex>();
        services.AddSingleton<Policy.ITemplateUse>(sp => sp.GetRequiredService<ActiveWindowIndex>());
        services.AddSingleton<WindowFreshness>();
        services.AddSingleton<ReplicaHealth>();
        services.AddSingleton<WindowWriter>();
        services.AddSingleton<WindowSynchronizer>();
        services.AddHostedService(sp => sp.GetRequiredService<WindowSynchronizer>());
        return services;
    }
}
