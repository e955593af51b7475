using System.Globalization;
using System.Runtime;
using System.Runtime.InteropServices;
using System.Text;

namespace AuthzWebhook.Benchmarks.Load;

/// <summary>Prints the load results as markdown, with the machine they ran on and a verdict on each target.</summary>
internal static class LoadReport
{
    public const string Fixed = "fixed answer";
    public const string StoreOff = "service, store off";
    public const string StoreOn = "service, store on";

    private static readonly TimeSpan OneMillisecond = TimeSpan.FromMilliseconds(1);

    public static string ServiceLabel(bool decisionStore) => decisionStore ? StoreOn : StoreOff;

    public static bool IsService(LoadResult r) => r.Endpoint != Fixed;

    public static string Machine()
    {
        var cpu = File.Exists("/proc/cpuinfo")
            ? File.ReadLines("/proc/cpuinfo").FirstOrDefault(l => l.StartsWith("model name", StringComparison.Ordinal))?.Split(':', 2)[1].Trim()
            : null;
        var memory = File.Exists("/proc/meminfo")
            ? File.ReadLines("/proc/meminfo").FirstOrDefault(l => l.StartsWith("MemTotal", StringComparison.Ordinal))?.Split(':', 2)[1].Trim()
            : null;
        return string.Create(
            CultureInfo.InvariantCulture,
            $"{Environment.ProcessorCount} logical CPUs ({cpu ?? "unknown"}), {memory ?? "unknown"} memory, {RuntimeInformation.OSDescription}, " +
            $"{RuntimeInformation.FrameworkDescription}, {(GCSettings.IsServerGC ? "server" : "workstation")} GC; client and servers share these CPUs");
    }

    public static string Format(LoadOptions options, IReadOnlyList<(int Round, LoadResult Result)> results)
    {
        var text = new StringBuilder();
        var culture = CultureInfo.InvariantCulture;
        text.AppendLine(culture, $"Machine: {Machine()}")
            .AppendLine(culture, $"Settings: {options.Connections} HTTP/1.1 connections over mutual TLS, warm-up {options.WarmUp.TotalSeconds:0} s, measured {options.Duration.TotalSeconds:0} s, {options.Windows} active windows in the service")
            .AppendLine()
            .AppendLine("| round | endpoint | mode | req/s | allowed | failed | p50 | p90 | p99 | p99.9 | max | p99 from due time |")
            .AppendLine("|---|---|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|");
        foreach (var (round, r) in results)
        {
            text.AppendLine(culture, $"| {Round(round)} | {r.Endpoint} | {Mode(r)} | {r.Throughput:0} | {r.Allowed} | {r.Failed} | {Ms(r.Latency.Percentile(50))} | {Ms(r.Latency.Percentile(90))} | {Ms(r.Latency.Percentile(99))} | {Ms(r.Latency.Percentile(99.9))} | {Ms(r.Latency.Max)} | {(r.FromSchedule is { } s ? Ms(s.Percentile(99)) : "-")} |");
        }

        text.AppendLine()
            .AppendLine("| round | endpoint | mode | process CPU per request | other processes' CPU | steal | GC gen0/1/2 | GC paused | allocated per request | store backlog at end |")
            .AppendLine("|---|---|---|---:|---:|---:|---|---:|---:|---:|");
        foreach (var (round, r) in results)
        {
            var u = r.Resources;
            text.AppendLine(culture, $"| {Round(round)} | {r.Endpoint} | {Mode(r)} | {u.ProcessCpu.TotalMicroseconds / Math.Max(1, r.Completed):0} µs | {u.OtherCpu.TotalSeconds / r.Seconds:0.00} cores | {u.StealCpu.TotalSeconds / r.Seconds:0.00} cores | {u.Gen0}/{u.Gen1}/{u.Gen2} | {u.GcPaused.TotalMilliseconds:0} ms ({u.GcPaused.TotalSeconds / r.Seconds:P1}) | {AllocatedPerRequest(r)} | {(r.StoreBacklog is { } b ? b.ToString(culture) : "-")} |");
        }

        text.AppendLine();
        var closed = results.Where(x => x.Result.TargetRate is null).ToList();
        foreach (var round in closed.Select(x => x.Round).Distinct())
        {
            var fixedAnswer = closed.First(x => x.Round == round && x.Result.Endpoint == Fixed).Result;
            foreach (var service in closed.Where(x => x.Round == round && IsService(x.Result)).Select(x => x.Result))
            {
                var ratio = service.Throughput / fixedAnswer.Throughput;
                var cpuRatio = CpuPerRequest(fixedAnswer) / CpuPerRequest(service);
                text.AppendLine(culture, $"Round {round}: {service.Endpoint} / fixed answer throughput = {service.Throughput:0} / {fixedAnswer.Throughput:0} = {ratio:0.00}x (target >= 0.80x: {(ratio >= 0.8 ? "met" : "NOT met")}); by CPU per request {cpuRatio:0.00}x");
            }
        }

        var serviceMax = closed.Where(x => IsService(x.Result)).Average(x => x.Result.Throughput);
        var openRuns = results.Where(x => x.Result.TargetRate is not null && IsService(x.Result)).Select(x => x.Result).ToList();
        foreach (var open in openRuns)
        {
            var p99 = open.Latency.Percentile(99);
            text.AppendLine(culture, $"{open.Endpoint} at {open.TargetRate:0} req/s ({open.TargetRate / serviceMax:0.##} of the services' mean maximum): p99 {Ms(p99)} ({(p99 < OneMillisecond ? "under" : "over")} 1 ms); from due time {Ms(open.FromSchedule!.Percentile(99))}");
        }

        // The target is stated at half the maximum rate; judge it on the run nearest to that.
        foreach (var endpoint in openRuns.Select(r => r.Endpoint).Distinct())
        {
            if (openRuns.Where(r => r.Endpoint == endpoint).OrderBy(r => Math.Abs((r.TargetRate!.Value / serviceMax) - 0.5)).FirstOrDefault() is { } half)
            {
                var p99 = half.Latency.Percentile(99);
                text.AppendLine(culture, $"{endpoint}: target p99 < 1 ms at half the maximum rate (judged at {half.TargetRate / serviceMax:0.##}): {(p99 < OneMillisecond ? "met" : "NOT met")} ({Ms(p99)})");
            }
        }

        AppendStoreComparison(text, results);
        var dropped = results.Sum(x => x.Result.RecordsDropped ?? 0);
        text.AppendLine(culture, $"Decision records dropped by the service's log during the runs: {dropped}");

        var failed = results.Sum(x => x.Result.Failed);
        if (failed > 0)
        {
            text.AppendLine(culture, $"WARNING: {failed} requests failed or were not allowed; the figures above are not comparable.");
        }

        return text.ToString();
    }

    /// <summary>With both service instances measured: what storing the records in Postgres adds, run by run.</summary>
    private static void AppendStoreComparison(StringBuilder text, IReadOnlyList<(int Round, LoadResult Result)> results)
    {
        var culture = CultureInfo.InvariantCulture;
        var pairs = results.Where(x => x.Result.Endpoint == StoreOn)
            .Select(on => (on.Round, On: on.Result, Off: results.FirstOrDefault(off => off.Round == on.Round && off.Result.Endpoint == StoreOff && off.Result.TargetRate == on.Result.TargetRate).Result))
            .Where(x => x.Off is not null)
            .ToList();
        if (pairs.Count == 0)
        {
            return;
        }

        text.AppendLine()
            .AppendLine("Decision store on against off (same run, same rates):")
            .AppendLine()
            .AppendLine("| round | mode | req/s off / on | on / off | CPU per request off / on | p50 off / on | p99 off / on | p99.9 off / on |")
            .AppendLine("|---|---|---:|---:|---:|---:|---:|---:|");
        foreach (var (round, on, off) in pairs)
        {
            text.AppendLine(culture, $"| {Round(round)} | {Mode(on)} | {off.Throughput:0} / {on.Throughput:0} | {on.Throughput / off.Throughput:0.000}x | {CpuPerRequest(off):0} / {CpuPerRequest(on):0} µs | {Ms(off.Latency.Percentile(50))} / {Ms(on.Latency.Percentile(50))} | {Ms(off.Latency.Percentile(99))} / {Ms(on.Latency.Percentile(99))} | {Ms(off.Latency.Percentile(99.9))} / {Ms(on.Latency.Percentile(99.9))} |");
        }

        text.AppendLine();
    }

    private static string Round(int round) => round == LoadDriver.OpenLoopRound ? "-" : round.ToString(CultureInfo.InvariantCulture);

    private static string Mode(LoadResult r) => r.TargetRate is { } rate
        ? string.Create(CultureInfo.InvariantCulture, $"open loop at {rate:0} req/s")
        : string.Create(CultureInfo.InvariantCulture, $"closed loop, {r.Connections} conns");

    // The process-wide allocation counter was seen to go backwards during open-loop runs, while the thread pool adds and
    // retires threads; it is shown for the closed-loop runs only, where the thread count is steady.
    private static string AllocatedPerRequest(LoadResult r) => r.TargetRate is null
        ? string.Create(CultureInfo.InvariantCulture, $"{(double)r.Resources.AllocatedBytes / Math.Max(1, r.Completed) / 1024.0:0.0} KiB")
        : "-";

    private static double CpuPerRequest(LoadResult r) => r.Resources.ProcessCpu.TotalMicroseconds / Math.Max(1, r.Completed);

    private static string Ms(TimeSpan value) => string.Create(CultureInfo.InvariantCulture, $"{value.TotalMilliseconds:0.000} ms");
}
