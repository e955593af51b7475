using AuthzWebhook.Hosting;
using Microsoft.AspNetCore.Server.Kestrel.Core;
using Microsoft.Extensions.Options;

namespace AuthzWebhook.Webhook;

internal static class WebhookExtensions
{
    public static IServiceCollection AddWebhook(this IServiceCollection services)
    {
        services.AddOptions<WebhookOptions>().BindConfiguration(WebhookOptions.Section).ValidateOnStart();
        services.AddSingleton<IValidateOptions<WebhookOptions>, WebhookOptionsValidator>();
        services.AddOptions<ManagementOptions>().BindConfiguration(ManagementOptions.Section)
            .Validate(o => o.Port is >= 1 and <= 65535, "AuthzWebhook:Management:Port must be 1-65535 (default 9090).")
            .Validate(o => System.Net.IPAddress.TryParse(o.BindAddress, out _), "AuthzWebhook:Management:BindAddress must be an IP address.")
            .ValidateOnStart();
        services.AddSingleton<WebhookCertificates>();
        services.AddSingleton<IConfigureOptions<KestrelServerOptions>, ListenerSetup>();
        services.AddSingleton<ReviewHandler>();
        return services;
    }
}
