using System.Diagnostics;
using System.Globalization;

namespace AuthzWebhook.Benchmarks.Load;

/// <summary>GC, process CPU and machine CPU counters at one moment; the difference of two is a <see cref="ResourceUse"/>.</summary>
internal readonly record struct ResourceSnapshot(
    int Gen0,
    int Gen1,
    int Gen2,
    TimeSpan GcPaused,
    long AllocatedBytes,
    TimeSpan ProcessCpu,
    long MachineBusyTicks,
    long StealTicks)
{
    // Linux reports /proc/stat in USER_HZ, which is 100 on every mainstream kernel build.
    private const double ClockTicksPerSecond = 100;

    public static ResourceSnapshot Take()
    {
        var (busy, steal) = ReadProcStat();
        using var self = Process.GetCurrentProcess();
        return new ResourceSnapshot(
            GC.CollectionCount(0),
            GC.CollectionCount(1),
            GC.CollectionCount(2),
            GC.GetTotalPauseDuration(),
            GC.GetTotalAllocatedBytes(precise: true),
            self.TotalProcessorTime,
            busy,
            steal);
    }

    public ResourceUse Until()
    {
        var now = Take();
        var processCpu = now.ProcessCpu - ProcessCpu;
        var machineBusy = TimeSpan.FromSeconds((now.MachineBusyTicks - MachineBusyTicks) / ClockTicksPerSecond);
        return new ResourceUse(
            now.Gen0 - Gen0,
            now.Gen1 - Gen1,
            now.Gen2 - Gen2,
            now.GcPaused - GcPaused,
            now.AllocatedBytes - AllocatedBytes,
            processCpu,
            machineBusy > processCpu ? machineBusy - processCpu : TimeSpan.Zero,
            TimeSpan.FromSeconds((now.StealTicks - StealTicks) / ClockTicksPerSecond));
    }

    /// <summary>Busy (everything but idle and iowait) and steal ticks of all CPUs, from the first line of /proc/stat.</summary>
    private static (long Busy, long Steal) ReadProcStat()
    {
        if (!File.Exists("/proc/stat"))
        {
            return (0, 0);
        }

        // cpu  user nice system idle iowait irq softirq steal guest guest_nice
        var fields = File.ReadLines("/proc/stat").First().Split(' ', StringSplitOptions.RemoveEmptyEntries);
        var values = fields.Skip(1).Take(8).Select(f => long.Parse(f, CultureInfo.InvariantCulture)).ToArray();
        return (values[0] + values[1] + values[2] + values[5] + values[6], values[7]);
    }
}
