using System.Diagnostics;

namespace AuthzWebhook.Benchmarks.Load;

/// <summary>
/// A fixed arrival rate, as the API server produces: reviews are due at regular times whether or not earlier ones
/// have been answered, so a slow answer cannot hold back the next request and hide its own queueing. A dedicated
/// thread wakes about every millisecond and sends everything that has become due.
/// </summary>
internal static class OpenLoopRun
{
    public static async Task<LoadResult> RunAsync(string endpoint, ReviewCall call, int connections, double rate, TimeSpan warmUp, TimeSpan duration, CancellationToken cancellationToken)
    {
        var latency = new LatencyHistogram();
        var fromSchedule = new LatencyHistogram();
        long allowed = 0;
        long failed = 0;
        var interval = Stopwatch.Frequency / rate;
        var start = Stopwatch.GetTimestamp();
        var measureFrom = start + ClosedLoopRun.Ticks(warmUp);
        var end = measureFrom + ClosedLoopRun.Ticks(duration);
        var inFlight = new List<Task>();

        async Task SendAsync(long due)
        {
            var sent = Stopwatch.GetTimestamp();
            var ok = await call.TrySendAsync(cancellationToken);

            var ended = Stopwatch.GetTimestamp();
            if (due < measureFrom)
            {
                return;
            }

            latency.Record(ended - sent);

            fromSchedule.Record(ended - due);
            if (ok)
            {
                Interlocked.Increment(ref allowed);
            }
            else
            {
                Interlocked.Increment(ref failed);
            }
        }

        void Schedule()
        {
            long next = 0;
            while (!cancellationToken.IsCancellationRequested)
            {
                var now = Stopwatch.GetTimestamp();
                while (true)
                {
                    var due = start + (long)(next * interval);
                    if (due > now || due >= end)
                    {
                        break;
                    }

                    // Sent from the thread pool, so that the scheduler thread only keeps time.
                    inFlight.Add(Task.Run(() => SendAsync(due), cancellationToken));
                    next++;
                }

                if (start + (long)(next * interval) >= end)
                {
                    return;
                }

                Thread.Sleep(1);
            }
        }

        var scheduler = new Thread(Schedule) { IsBackground = true, Name = "open-loop scheduler", Priority = ThreadPriority.AboveNormal };
        scheduler.Start();
        var resources = await ClosedLoopRun.ResourcesFromAsync(measureFrom, cancellationToken);
        await Task.Run(scheduler.Join, cancellationToken);
        var used = resources.Until();
        await Task.WhenAll(inFlight);
        return new LoadResult(endpoint, connections, rate, duration.TotalSeconds, allowed, failed, latency, used, fromSchedule);
    }
}
