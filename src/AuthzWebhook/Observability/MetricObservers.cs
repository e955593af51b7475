using AuthzWebhook.Windows;

namespace AuthzWebhook.Observability;

/// <summary>Registers the gauges that read state owned elsewhere, once the service starts.</summary>
internal sealed class MetricObservers(AuthzMetrics metrics, ActiveWindowIndex windows, StoreHealth stores, DegradedTime degraded) : IHostedService
{
    public Task StartAsync(CancellationToken cancellationToken)
    {
        metrics.ObserveActiveWindows(() => windows.Count);
        metrics.ObserveStoreHealth(stores);
        metrics.ObserveDegraded(degraded);
        return Task.CompletedTask;
    }

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;
}
