using System.Diagnostics;

namespace AuthzWebhook.Benchmarks.Load;

/// <summary>
/// Maximum throughput: every connection sends its next review as soon as the last one is answered. Requests during the
/// warm-up (handshakes, JIT, pool growth) are sent but not counted; only those that start and end inside the measured
/// part are.
/// </summary>
internal static class ClosedLoopRun
{
    public static async Task<LoadResult> RunAsync(string endpoint, ReviewCall call, int connections, TimeSpan warmUp, TimeSpan duration, CancellationToken cancellationToken)
    {
        var latency = new LatencyHistogram();
        long allowed = 0;
        long failed = 0;
        var measureFrom = Stopwatch.GetTimestamp() + Ticks(warmUp);
        var measureUntil = measureFrom + Ticks(duration);

        async Task WorkerAsync()
        {
            while (Stopwatch.GetTimestamp() < measureUntil && !cancellationToken.IsCancellationRequested)
            {
                var started = Stopwatch.GetTimestamp();
                var ok = await call.TrySendAsync(cancellationToken);

                var ended = Stopwatch.GetTimestamp();
                if (started < measureFrom || ended > measureUntil)
                {
                    continue;
                }

                latency.Record(ended - started);
                if (ok)
                {
                    Interlocked.Increment(ref allowed);
                }
                else
                {
                    Interlocked.Increment(ref failed);
                }
            }
        }

        var workers = Enumerable.Range(0, connections).Select(_ => Task.Run(WorkerAsync, cancellationToken)).ToList();
        var resources = await ResourcesFromAsync(measureFrom, cancellationToken);
        await Task.WhenAll(workers);
        return new LoadResult(endpoint, connections, null, duration.TotalSeconds, allowed, failed, latency, resources.Until(), null);
    }

    /// <summary>Waits for the measured part to start and returns the resource counters at that moment.</summary>
    public static async Task<ResourceSnapshot> ResourcesFromAsync(long measureFrom, CancellationToken cancellationToken)
    {
        var wait = Stopwatch.GetElapsedTime(Stopwatch.GetTimestamp(), measureFrom);
        if (wait > TimeSpan.Zero)
        {
            await Task.Delay(wait, cancellationToken);
        }

        return ResourceSnapshot.Take();
    }

    public static long Ticks(TimeSpan span) => (long)(span.TotalSeconds * Stopwatch.Frequency);
}
