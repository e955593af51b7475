using AuthzWebhook.Observability;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;

namespace AuthzWebhook.Notifications;

internal static class NotificationExtensions
{
    /// <summary>Options, the outbox that lifecycle transactions write to, and the dispatcher that delivers it. Needs Postgres.</summary>
    public static IServiceCollection AddNotifications(this IServiceCollection services)
    {
        services.AddOptions<NotificationOptions>().BindConfiguration(NotificationOptions.Section).ValidateOnStart();
        services.AddSingleton<IValidateOptions<NotificationOptions>, NotificationOptionsValidator>();
        services.TryAddSingleton(TimeProvider.System);
        services.TryAddSingleton<AuthzMetrics>();
        services.AddSingleton<NotificationSignal>();
        services.AddSingleton<NotificationOutbox>();
        services.AddHostedService<NotificationDispatcher>();
        services.AddHttpClient(NotificationDispatcher.HttpClientName)
            // The dispatcher's own per-attempt timeout (on TimeProvider) governs, not HttpClient's 100 s default.
            .ConfigureHttpClient(client => client.Timeout = Timeout.InfiniteTimeSpan)
            // A redirect is a configuration mistake to surface, and following one could carry the body elsewhere.
            .ConfigurePrimaryHttpMessageHandler(() => new SocketsHttpHandler { AllowAutoRedirect = false, UseCookies = false })
            // The default handler loggers write request URLs, and chat webhook URLs carry their secret in the path.
            .RemoveAllLoggers();
        return services;
    }
}
