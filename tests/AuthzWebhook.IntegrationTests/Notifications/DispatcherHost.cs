using AuthzWebhook.Notifications;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Npgsql;

namespace AuthzWebhook.IntegrationTests.Notifications;

/// <summary>
/// A host with only <see cref="NotificationExtensions.AddNotifications"/> on a test database: what a replica runs for
/// notifications, started and stopped like one.
/// </summary>
internal sealed class DispatcherHost : IAsyncDisposable
{
    private readonly IHost _host;
    private bool _stopped;

    private DispatcherHost(IHost host) => _host = host;

    public IServiceProvider Services => _host.Services;

    public NotificationOutbox Outbox => _host.Services.GetRequiredService<NotificationOutbox>();

    public static async Task<DispatcherHost> StartAsync(NpgsqlDataSource dataSource, TimeProvider time, IDictionary<string, string?> settings, ILoggerProvider logs)
    {
        var builder = Host.CreateEmptyApplicationBuilder(new HostApplicationBuilderSettings());
        builder.Configuration.AddInMemoryCollection(settings);
        builder.Services.AddSingleton(dataSource);
        builder.Services.AddSingleton(time);
        builder.Services.AddMetrics();
        builder.Services.AddLogging(logging => logging.SetMinimumLevel(LogLevel.Trace).AddProvider(logs));
        builder.Services.AddNotifications();
        var host = builder.Build();
        await host.StartAsync();
        return new DispatcherHost(host);
    }

    public async Task StopAsync()
    {
        if (!_stopped)
        {
            _stopped = true;
            await _host.StopAsync();
        }
    }

    public async ValueTask DisposeAsync()
    {
        await StopAsync();
        _host.Dispose();
    }
}
