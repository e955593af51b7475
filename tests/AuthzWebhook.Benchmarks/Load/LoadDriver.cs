using AuthzWebhook.Benchmarks.Engine;
using AuthzWebhook.IntegrationTests.Infrastructure;

namespace AuthzWebhook.Benchmarks.Load;

/// <summary>
/// <c>POST /authorize</c> under load, in one process and one run: the real service and a fixed-answer endpoint behind
/// identical mutual-TLS listeners, each driven closed-loop for its maximum throughput, then both open-loop at a fraction
/// (half by default) of the service's maximum for latency. All traffic stays on 127.0.0.1.
/// </summary>
internal static class LoadDriver
{
    /// <summary>Open-loop runs belong to no closed-loop round.</summary>
    public const int OpenLoopRound = 0;

    public static async Task<int> RunAsync(LoadOptions options)
    {
        // A hard bound on the whole run, so that a hung server cannot keep `make bench` going forever.
        var runs = (options.WarmUp + options.Duration) * 2 * (options.Rounds + options.RateFractions.Count);
        using var timeout = new CancellationTokenSource(runs + TimeSpan.FromMinutes(5));
        var cancellationToken = timeout.Token;

        using var pki = new TestPki();
        await using var fixedAnswer = await FixedAnswerEndpoint.StartAsync(pki, cancellationToken);
        await using var service = await RealEndpoint.StartAsync(pki, cancellationToken);
        await Console.Error.WriteLineAsync($"load: creating {options.Windows} windows through Postgres and Redis");
        await service.CreateWindowsAsync(options.Windows, cancellationToken);

        var request = new BenchmarkRequests(BenchmarkPolicy.Load(), options.Windows).CoveredByWindow();
        var body = ReviewBodies.For(request);
        await CheckAllowsAsync(pki, service.Uri, body, cancellationToken);
        await CheckAllowsAsync(pki, fixedAnswer.Uri, body, cancellationToken);

        var results = new List<(int Round, LoadResult Result)>();
        for (var round = 1; round <= options.Rounds; round++)
        {
            // Alternate which endpoint goes first, so that a drifting machine does not always favour the same one.
            var order = round % 2 == 1 ? new[] { LoadReport.Fixed, LoadReport.Service } : [LoadReport.Service, LoadReport.Fixed];
            foreach (var endpoint in order)
            {
                var uri = endpoint == LoadReport.Service ? service.Uri : fixedAnswer.Uri;
                await Console.Error.WriteLineAsync($"load: round {round}, {endpoint}, closed loop");
                using var client = MtlsClient.Create(pki, options.Connections);
                results.Add((round, await Measure(service, endpoint, () => ClosedLoopRun.RunAsync(endpoint, new ReviewCall(client, uri, body), options.Connections, options.WarmUp, options.Duration, cancellationToken))));
            }
        }

        var serviceMax = results.Where(x => x.Result.Endpoint == LoadReport.Service).Average(x => x.Result.Throughput);
        foreach (var fraction in options.RateFractions)
        {
            var rate = Math.Max(1, serviceMax * fraction);
            foreach (var endpoint in new[] { LoadReport.Service, LoadReport.Fixed })
            {
                var uri = endpoint == LoadReport.Service ? service.Uri : fixedAnswer.Uri;
                await Console.Error.WriteLineAsync($"load: {endpoint}, open loop at {rate:0} req/s");
                using var client = MtlsClient.Create(pki, options.Connections);
                var warmUp = TimeSpan.FromSeconds(Math.Max(2, options.WarmUp.TotalSeconds / 2));
                var result = await Measure(service, endpoint, () => OpenLoopRun.RunAsync(endpoint, new ReviewCall(client, uri, body), options.Connections, rate, warmUp, options.Duration, cancellationToken));
                results.Add((OpenLoopRound, result));
            }
        }

        Console.WriteLine();
        Console.WriteLine("## POST /authorize over mutual TLS");
        Console.WriteLine();
        Console.WriteLine(LoadReport.Format(options, results));
        return results.Any(x => x.Result.Failed > 0) ? 1 : 0;
    }

    private static async Task<LoadResult> Measure(RealEndpoint service, string endpoint, Func<Task<LoadResult>> run)
    {
        var droppedBefore = service.RecordsDropped;
        var result = await run();
        return endpoint == LoadReport.Service ? result with { RecordsDropped = service.RecordsDropped - droppedBefore } : result;
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
