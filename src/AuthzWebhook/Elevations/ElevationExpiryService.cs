using Microsoft.Extensions.Options;

namespace AuthzWebhook.Elevations;

/// <summary>
/// Marks elevations whose time is up as expired and announces it. Decisions never wait for this: the decision path
/// checks each window's own expiry. Every replica runs it; rows are claimed with SKIP LOCKED so each expires once.
/// </summary>
internal sealed class ElevationExpiryService(
    ElevationService service,
    IOptions<ElevationOptions> options,
    TimeProvider timeProvider,
    ILogger<ElevationExpiryService> logger) : BackgroundService
{
    private const int Batch = 100;

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        using var timer = new PeriodicTimer(options.Value.ExpiryCheckInterval, timeProvider);
        while (await timer.WaitForNextTickAsync(stoppingToken).ConfigureAwait(false))
        {
            try
            {
                // A full batch means more may be due: keep going before waiting for the next tick.
                while (await service.ExpireDueAsync(Batch, stoppingToken).ConfigureAwait(false) == Batch)
                {
                }
            }
#pragma warning disable CA1031 // The job must outlive any failure: decisions never depend on it, and the next tick retries.
            catch (Exception ex) when (!stoppingToken.IsCancellationRequested)
#pragma warning restore CA1031
            {
                Log.ExpiryPassFailed(logger, ex);
            }
        }
    }
}
