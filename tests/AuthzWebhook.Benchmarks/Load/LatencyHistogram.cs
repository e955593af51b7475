using System.Diagnostics;
using System.Numerics;

namespace AuthzWebhook.Benchmarks.Load;

/// <summary>
/// Latencies in Stopwatch ticks, log-linear buckets with 64 steps per power of two (under 1.6% error), safe to record
/// from many threads at once. Fixed size, so recording never allocates and a long run costs no more than a short one.
/// </summary>
internal sealed class LatencyHistogram
{
    private const int SubBits = 6;
    private const int SubCount = 1 << SubBits;
    private const int LinearLimit = 2 * SubCount;
    private const int Buckets = LinearLimit + (64 - SubBits - 1) * SubCount;

    private readonly long[] _counts = new long[Buckets];
    private long _total;
    private long _max;

    public long Count => Interlocked.Read(ref _total);

    public void Record(long ticks)
    {
        ticks = Math.Max(0, ticks);
        Interlocked.Increment(ref _counts[Index(ticks)]);
        Interlocked.Increment(ref _total);
        var max = Interlocked.Read(ref _max);
        while (ticks > max)
        {
            var seen = Interlocked.CompareExchange(ref _max, ticks, max);
            if (seen == max)
            {
                break;
            }

            max = seen;
        }
    }

    /// <summary>The latency at or below which <paramref name="percentile"/> percent of the recorded values fall.</summary>
    public TimeSpan Percentile(double percentile)
    {
        var total = Count;
        if (total == 0)
        {
            return TimeSpan.Zero;
        }

        var rank = (long)Math.Ceiling(percentile / 100.0 * total);
        long seen = 0;
        for (var i = 0; i < _counts.Length; i++)
        {
            seen += Interlocked.Read(ref _counts[i]);
            if (seen >= Math.Max(1, rank))
            {
                return Ticks(Math.Min(UpperBound(i), Interlocked.Read(ref _max)));
            }
        }

        return Max;
    }

    public TimeSpan Max => Ticks(Interlocked.Read(ref _max));

    private static TimeSpan Ticks(long stopwatchTicks) => TimeSpan.FromSeconds((double)stopwatchTicks / Stopwatch.Frequency);

    private static int Index(long value)
    {
        if (value < LinearLimit)
        {
            return (int)value;
        }

        // Keep the top SubBits+1 bits: the leading one picks the power of two, the next SubBits the step within it.
        var log = 63 - BitOperations.LeadingZeroCount((ulong)value);
        var shift = log - SubBits;
        var step = (int)(value >> shift) - SubCount;
        return LinearLimit + ((log - SubBits - 1) * SubCount) + step;
    }

    private static long UpperBound(int index)
    {
        if (index < LinearLimit)
        {
            return index;
        }

        var group = (index - LinearLimit) / SubCount;
        var step = (index - LinearLimit) % SubCount;
        var shift = group + 1;
        return ((long)(SubCount + step + 1) << shift) - 1;
    }
}
