using Microsoft.Extensions.Options;

namespace AuthzWebhook.DecisionStore;

/// <summary>
/// Delivers queued decision records to Postgres in batches, in order. While Postgres is unreachable it retries the
/// same batch with growing pauses (the spool keeps everything) and says so once when the outage starts and once when
/// it ends. A record Postgres refuses for good is set aside instead (see <see cref="DecisionDelivery"/>), counted and
/// logged, and the records behind it go on. About once a second it puts the spool on disk, off the request path. On shutdown it delivers what it can
/// in a few seconds; the rest waits in the spool for the next start.
/// </summary>
internal sealed class DecisionStoreWriter(
    DecisionStoreQueue queue,
    DecisionDelivery delivery,
    IOptions<DecisionStoreOptions> options,
    Observability.AuthzMetrics metrics,
    ILogger<DecisionStoreWriter> logger) : BackgroundService
{
    private static readonly TimeSpan Idle = TimeSpan.FromMilliseconds(200);
    private static readonly TimeSpan ShutdownFlush = TimeSpan.FromSeconds(5);
    private const long SyncIntervalMilliseconds = 1000;

    // Only the delivery loop reads and writes it.
    private long _synced;

    public override async Task StopAsync(CancellationToken cancellationToken)
    {
        await base.StopAsync(cancellationToken).ConfigureAwait(false);
        if (!options.Value.Enabled)
        {
            return;
        }

        using var flush = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        flush.CancelAfter(ShutdownFlush);
        try
        {
            while (await DeliverOnceAsync(flush.Token).ConfigureAwait(false))
            {
            }
        }
        catch (OperationCanceledException)
        {
        }
#pragma warning disable CA1031 // Whatever stops delivery now, what is left is in the spool for the next start.
        catch (Exception ex)
#pragma warning restore CA1031
        {
            Log.StoreFlushFailed(logger, ex);
        }

        SyncSpool();
    }

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        if (!options.Value.Enabled)
        {
            return;
        }

        metrics.ObserveStoreBacklog(() => queue.Backlog);
        var pause = TimeSpan.FromSeconds(1);
        var failing = false;
        _synced = Environment.TickCount64;
        while (!stoppingToken.IsCancellationRequested)
        {
            SyncSpoolWhenDue();
            try
            {
                if (!await DeliverOnceAsync(stoppingToken).ConfigureAwait(false))
                {
                    await queue.WaitAsync(Idle, stoppingToken).ConfigureAwait(false);
                }

                if (failing)
                {
                    failing = false;
                    pause = TimeSpan.FromSeconds(1);
                    Log.StoreRecovered(logger, queue.Backlog);
                }
            }
            catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
            {
                return;
            }
#pragma warning disable CA1031 // Any failure to store is retried; records stay queued, nothing is lost.
            catch (Exception ex)
#pragma warning restore CA1031
            {
                if (!failing)
                {
                    failing = true;
                    Log.StoreUnavailable(logger, queue.Backlog, ex);
                }

                await PauseAsync(pause, stoppingToken).ConfigureAwait(false);
                pause = TimeSpan.FromTicks(Math.Min(pause.Ticks * 2, options.Value.MaxRetryInterval.Ticks));
            }
        }
    }

    /// <summary>
    /// Waits before the next attempt to store, still syncing the spool each second: during an outage the spool is the
    /// records' only copy, so a retry pause (up to MaxRetryInterval) must not widen what a lost machine would take.
    /// </summary>
    private async Task PauseAsync(TimeSpan pause, CancellationToken cancellationToken)
    {
        var until = Environment.TickCount64 + (long)pause.TotalMilliseconds;
        for (var left = until - Environment.TickCount64; left > 0; left = until - Environment.TickCount64)
        {
            await Task.Delay(TimeSpan.FromMilliseconds(Math.Min(left, SyncIntervalMilliseconds)), cancellationToken).ConfigureAwait(false);
            SyncSpoolWhenDue();
        }
    }

    /// <summary>Syncs the spool once <see cref="SyncIntervalMilliseconds"/> have passed since the last sync.</summary>
    private void SyncSpoolWhenDue()
    {
        // An interval on the monotonic clock, not a time of day: TimeProvider stays for what expiry and tests depend on.
        if (Environment.TickCount64 - _synced >= SyncIntervalMilliseconds)
        {
            SyncSpool();
            _synced = Environment.TickCount64;
        }
    }

    /// <summary>
    /// A failed sync (an I/O error on a full or failing disk) must not stop delivery, which is what gets the records
    /// into Postgres and so out of the spool; it is logged and tried again a second later.
    /// </summary>
    private void SyncSpool()
    {
        try
        {
            queue.SyncToDisk();
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            Log.SpoolSyncFailed(logger, ex);
        }
    }

    /// <summary>Stores the oldest batch; false when there was nothing to store.</summary>
    private async Task<bool> DeliverOnceAsync(CancellationToken cancellationToken)
    {
        var batch = queue.Peek(options.Value.BatchSize);
        if (batch.Lines == 0)
        {
            return false;
        }

        // A batch of nothing but unreadable lines is acknowledged all the same, or it would be read again forever; so is
        // one whose refused records are set aside, or they would hold back every record behind them.
        var (refused, keptIn) = batch.Records.Count > 0
            ? await delivery.StoreAsync(batch.Records, cancellationToken).ConfigureAwait(false)
            : ([], string.Empty);

        if (queue.Acknowledge(batch) is { } settleFailure)
        {
            Log.SpoolSettleFailed(logger, settleFailure);
        }

        metrics.RecordStored(batch.Records.Count - refused.Count);
        if (refused.Count > 0)
        {
            // Once, when the batch is done, like unreadable lines below.
            metrics.RecordRejected(refused.Count);
            foreach (var r in refused)
            {
                Log.RecordRefused(logger, r.Pending.Record.DecisionId, r.Pending.Record.Instance, r.Pending.Record.Chain?.Seq ?? 0, r.SqlState, r.Error, keptIn);
            }
        }

        if (batch.Unreadable > 0)
        {
            // Once, when the batch is done: a batch retried through an outage is not reported again each time.
            metrics.RecordSpoolUnreadable(batch.Unreadable);
            Log.SpoolLinesUnreadable(logger, batch.Unreadable, batch.SpoolEnd);
        }

        return true;
    }
}
