using AuthzWebhook.Windows;

namespace AuthzWebhook.Observability;

/// <summary>Registers the gauges that read state owned elsewhere, once the service starts.</summary>
internal sealed class MetricObservers(AuthzMetrics metrics, ActiveWindowIndex windows) : IHostedService
{
    public Task StartAsync(CancellationToken cancellationToken)
    {
        metrics.ObserveActiveWindows(() => windows.Count);
        return Task.CompletedTask;
    }

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;
}
