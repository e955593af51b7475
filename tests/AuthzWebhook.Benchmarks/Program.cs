using AuthzWebhook.Benchmarks.Load;
using BenchmarkDotNet.Running;

namespace AuthzWebhook.Benchmarks;

/// <summary>
/// <c>engine [BenchmarkDotNet arguments]</c>: the decision engine and wire micro-benchmarks;
/// <c>load [options]</c>: the mutual-TLS load run against the service and a fixed-answer endpoint;
/// <c>revocation [--samples 200]</c>: how long a revocation on one instance takes to stop allows on another;
/// <c>store [options]</c>: how many decision records per second reach Postgres;
/// no argument: both, engine first.
/// </summary>
internal static class Program
{
    public static async Task<int> Main(string[] args)
    {
        var mode = args.Length > 0 ? args[0] : "all";
        var rest = args.Skip(1).ToArray();
        switch (mode)
        {
            case "engine":
                RunEngine(rest);
                return 0;
            case "load":
                return await LoadDriver.RunAsync(LoadOptions.Parse(rest));
            case "revocation":
                return await RevocationRun.RunAsync(rest is ["--samples", var n] ? int.Parse(n, System.Globalization.CultureInfo.InvariantCulture) : 200);
            case "store":
                return await StoreRun.RunAsync(rest);
            case "all":
                RunEngine([]);
                return await LoadDriver.RunAsync(new LoadOptions());
            default:
                await Console.Error.WriteLineAsync($"usage: engine [BenchmarkDotNet arguments] | {LoadOptions.Usage} | revocation [--samples 200] | {StoreRun.Usage} | (nothing: engine and load)");
                return 2;
        }
    }

    private static void RunEngine(string[] args)
    {
        // Without a filter BenchmarkDotNet asks interactively which benchmark to run; `make bench` must not wait for input.
        var withFilter = args.Contains("--filter") || args.Contains("-f") ? args : [.. args, "--filter", "*"];
        BenchmarkSwitcher.FromAssembly(typeof(Program).Assembly).Run(withFilter);
    }
}
