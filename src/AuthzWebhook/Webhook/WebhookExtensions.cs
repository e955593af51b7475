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
        services.AddOptions<RequestHeaderLimitsOptions>().BindConfiguration(RequestHeaderLimitsOptions.Section)
            .Validate(o => o.MaxRequestHeadersTotalSize is >= 4096 and <= 1024 * 1024, "AuthzWebhook:RequestLimits:MaxRequestHeadersTotalSize must be 4096-1048576 bytes (default 32768).")
            .Validate(o => o.MaxRequestHeaderCount is >= 16 and <= 1000, "AuthzWebhook:RequestLimits:MaxRequestHeaderCount must be 16-1000 (default 100).")
            .Validate(o => o.MaxRequestLineSize is >= 1024 and <= 1024 * 1024, "AuthzWebhook:RequestLimits:MaxRequestLineSize must be 1024-1048576 bytes (default 8192).")
            .ValidateOnStart();
        services.AddSingleton<WebhookCertificates>();
        services.AddSingleton<IConfigureOptions<KestrelServerOptions>, ListenerSetup>();
        services.AddSingleton<ReviewHandler>();
        return services;
    }
}
