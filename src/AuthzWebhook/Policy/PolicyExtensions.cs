namespace AuthzWebhook.Policy;

internal static class PolicyExtensions
{
    public static IServiceCollection AddPolicy(this IServiceCollection services)
    {
        services.AddOptions<PolicyOptions>().BindConfiguration(PolicyOptions.Section).ValidateOnStart();
        services.AddSingleton<Microsoft.Extensions.Options.IValidateOptions<PolicyOptions>, PolicyOptionsValidator>();
        services.AddSingleton<PolicyProvider>();
        services.AddHostedService(sp => sp.GetRequiredService<PolicyProvider>());
        return services;
    }
}
