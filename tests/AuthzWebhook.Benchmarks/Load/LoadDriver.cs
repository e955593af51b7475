using AuthzWebhook.Benchmarks.Engine;
using AuthzWebhook.IntegrationTests.Infrastructure;

namespace AuthzWebhook.Benchmarks.Load;

/// <summary>
/// <c>POST /authorize</c> under load, in one process and one run: the real service (with its decision store on, off,
/// or both as two instances) and a fixed-answer endpoint behind identical mutual-TLS listeners, each driven closed-loop for its maximum throughput, then both open-loop at a fraction
/// (half by default) of the service's maximum for latency. All traffic stays on 127.0.0.1.
/// </summary>
internal static class LoadDriver
{
    /// <summary>Open-loop runs belong to no closed-loop round.</summary>
    public const int OpenLoopRound = 0;

    public static async Task<int> RunAsync(LoadOptions options)
    {
        // A hard bound on the whole run, so that a hung server cannot keep `make bench` going forever.
        var endpoints = 1 + options.Store.Count;
        var runs = (options.WarmUp + options.Duration) * endpoints * (options.Rounds + options.RateFractions.Count);
        using var timeout = new CancellationTokenSource(runs + TimeSpan.FromMinutes(5));
        var cancellationToken = timeout.Token;

        using var pki = new TestPki();
        await using var fixedAnswer = await FixedAnswerEndpoint.StartAsync(pki, cancellationToken);
        var services = new List<(string Label, RealEndpoint Endpoint)>();
        try
        {
            foreach (var store in options.Store)
            {
                services.Add((LoadReport.ServiceLabel(store), await RealEndpoint.StartAsync(pki, store, options.DatabaseIdle, cancellationToken)));
            }

            return await RunAsync(options, pki, fixedAnswer, services, cancellationToken);
        }
        finally
        {
            foreach (var (_, service) in services)
            {
                await service.DisposeAsync();
            }
        }
    }

    private static async Task<int> RunAsync(
        LoadOptions options, TestPki pki, FixedAnswerEndpoint fixedAnswer, List<(string Label, RealEndpoint Endpoint)> services, CancellationToken cancellationToken)
    {
        var request = new BenchmarkRequests(BenchmarkPolicy.Load(), options.Windows).CoveredByWindow();
        var body = ReviewBodies.For(request);
        foreach (var (label, service) in services)
        {
            await Console.Error.WriteLineAsync($"load: creating {options.Windows} windows through Postgres and Redis ({label})");
            await service.CreateWindowsAsync(options.Windows, cancellationToken);
            await CheckAllowsAsync(pki, service.Uri, body, cancellationToken);
        }

        await CheckAllowsAsync(pki, fixedAnswer.Uri, body, cancellationToken);
        var all = new List<(string Label, Uri Uri, RealEndpoint? Service)> { (LoadReport.Fixed, fixedAnswer.Uri, null) };
        all.AddRange(services.Select(s => (s.Label, s.Endpoint.Uri, (RealEndpoint?)s.Endpoint)));

        var results = new List<(int Round, LoadResult Result)>();
        for (var round = 1; round <= options.Rounds; round++)
        {
            // Alternate the order, so that a drifting machine does not always favour the same endpoint.
            var order = round % 2 == 1 ? all : Enumerable.Reverse(all).ToList();
            foreach (var (label, uri, service) in order)
            {
                await Console.Error.WriteLineAsync($"load: round {round}, {label}, closed loop");
                using var client = MtlsClient.Create(pki, options.Connections);
                results.Add((round, await Measure(service, () => ClosedLoopRun.RunAsync(label, new ReviewCall(client, uri, body), options.Connections, options.WarmUp, options.Duration, cancellationToken))));
            }
        }

        // Every service endpoint gets the same rates, so that their latencies compare.
        var serviceMax = results.Where(x => LoadReport.IsService(x.Result)).Average(x => x.Result.Throughput);
        foreach (var fraction in options.RateFractions)
        {
            var rate = Math.Max(1, serviceMax * fraction);
            foreach (var (label, uri, service) in all.Skip(1).Append(all[0]))
            {
                await Console.Error.WriteLineAsync($"load: {label}, open loop at {rate:0} req/s");
                using var client = MtlsClient.Create(pki, options.Connections);
                var warmUp = TimeSpan.FromSeconds(Math.Max(2, options.WarmUp.TotalSeconds / 2));
                var result = await Measure(service, () => OpenLoopRun.RunAsync(label, new ReviewCall(client, uri, body), options.Connections, rate, warmUp, options.Duration, cancellationToken));
                results.Add((OpenLoopRound, result));
            }
        }

        var notes = new List<string>
        {
            options.DatabaseIdle
                ? "each service's Postgres ran in the idle scheduling class (--database-cpu idle)"
                : "each service's Postgres shared the CPUs with the service and the load driver (--database-cpu shared)",
        };
        foreach (var (label, service) in services)
        {
            var (lines, meanBytes) = service.DecisionLogShape();
            notes.Add(string.Create(System.Globalization.CultureInfo.InvariantCulture, $"{label}: {lines} decision records written, {meanBytes:0} bytes per line on average"));
            if (service.DecisionStore)
            {
                var clock = System.Diagnostics.Stopwatch.StartNew();
                while (service.StoreBacklog > 0 && clock.Elapsed < TimeSpan.FromMinutes(2))
                {
                    await Task.Delay(100, cancellationToken);
                }

                notes.Add(string.Create(System.Globalization.CultureInfo.InvariantCulture, $"{label}: store backlog {service.StoreBacklog} after the last run plus {clock.Elapsed.TotalSeconds:0.0} s"));
            }
        }

        Console.WriteLine();
        Console.WriteLine("## POST /authorize over mutual TLS");
        Console.WriteLine();
        Console.WriteLine(LoadReport.Format(options, results));
        foreach (var note in notes)
        {
            Console.WriteLine(note);
        }

        return results.Any(x => x.Result.Failed > 0) ? 1 : 0;
    }

    private static async Task<LoadResult> Measure(RealEndpoint? service, Func<Task<LoadResult>> run)
    {
        if (service is null)
        {
            return await run();
        }

        var droppedBefore = service.RecordsDropped;
        var result = await run();
        return result with { RecordsDropped = service.RecordsDropped - droppedBefore, StoreBacklog = service.StoreBacklog };
    }

    private static async Task CheckAllowsAsync(TestPki pki, Uri uri, byte[] body, CancellationToken cancellationToken)
    {
        using var client = MtlsClient.Create(pki, 1);
        var call = new ReviewCall(client, uri, body);
        if (!await call.SendAsync(cancellationToken))
        {
            throw new InvalidOperationException($"{uri} does not allow the measured review: {await call.DescribeAsync(cancellationToken)}");
        }
    }
}
