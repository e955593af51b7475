using System.Diagnostics;
using System.Diagnostics.Metrics;
using System.Text.Json;
using AuthzWebhook.Decisions;
using AuthzWebhook.Hosting;
using AuthzWebhook.Observability;
using AuthzWebhook.Policy;
using AuthzWebhook.Webhook;
using AuthzWebhook.Windows;
using BenchmarkDotNet.Attributes;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting.Internal;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;

namespace AuthzWebhook.Benchmarks.Engine;

/// <summary>
/// Everything the webhook does for one review besides HTTP and TLS, with 10k active windows: the decision, its reason,
/// its record handed to the record buffer, its metrics; and, separately, the record's serialisation by the record writer.
/// This is where the per-review allocations are, so the load run's GC figures can be traced to their source.
/// </summary>
/// <remarks>Public and unsealed because BenchmarkDotNet derives its runner from this class.</remarks>
[MemoryDiagnoser]
[SimpleJob(launchCount: 1, warmupCount: 5, iterationCount: 15)]
public class ReviewHandlerBenchmarks : IDisposable
{
    private const int WindowCount = 10_000;
    private static readonly DateTimeOffset Now = new(2025, 6, 1, 12, 0, 0, TimeSpan.Zero);

    private readonly MemoryStream _sink = new(64 * 1024);
    private ReviewHandler _handler = null!;
    private DecisionRecordBuffer _records = null!;
    private ReviewRequest _allow = null!;
    private ReviewRequest _noOpinion = null!;
    private DecisionRecord _record = null!;
    private Utf8JsonWriter _json = null!;
    private ServiceProvider _metricsServices = null!;
    private string _policyDirectory = null!;

    [GlobalSetup]
    public void Setup()
    {
        var time = new FixedTimeProvider(Now);
        var policy = BenchmarkPolicy.Load();
        var index = new ActiveWindowIndex();
        BenchmarkWindows.Fill(index, WindowCount, Now);
        var windowOptions = Options.Create(new WindowOptions());
        var freshness = new WindowFreshness(time, windowOptions);
        freshness.Confirm(Now);

        _policyDirectory = Directory.CreateTempSubdirectory("authz-bench-policy-").FullName;
        File.WriteAllText(Path.Combine(_policyDirectory, "policy.yaml"), BenchmarkPolicy.Yaml());
        var provider = new PolicyProvider(
            Options.Create(new PolicyOptions { Path = "policy.yaml" }),
            new HostingEnvironment { ContentRootPath = _policyDirectory },
            time,
            NullLogger<PolicyProvider>.Instance);
        if (!provider.Reload())
        {
            throw new InvalidOperationException($"benchmark policy did not load: {provider.LastError}");
        }

        _metricsServices = new ServiceCollection().AddMetrics().BuildServiceProvider();
        var metrics = new AuthzMetrics(_metricsServices.GetRequiredService<IMeterFactory>());
        _records = new DecisionRecordBuffer(Options.Create(new DecisionLogOptions()), metrics);
        _handler = new ReviewHandler(
            new DecisionEngine(index, freshness),
            provider,
            new ReplicaHealth(freshness, time, windowOptions, metrics, NullLogger<ReplicaHealth>.Instance),
            _records,
            metrics,
            time,
            Options.Create(new InstanceOptions { InstanceName = "bench" }),
            windowOptions);

        var requests = new BenchmarkRequests(policy, WindowCount);
        _allow = requests.CoveredByWindow();
        _noOpinion = BenchmarkRequests.WithoutWindow();
        if (!_handler.Decide(_allow, Stopwatch.GetTimestamp()).Allowed)
        {
            throw new InvalidOperationException("the allow review was not allowed");
        }

        _records.Reader.TryRead(out var record);
        _record = record!;
        _json = new Utf8JsonWriter(_sink, new JsonWriterOptions { SkipValidation = true });
    }

    [GlobalCleanup]
    public void Cleanup() => Directory.Delete(_policyDirectory, recursive: true);

    public void Dispose()
    {
        Dispose(disposing: true);
        GC.SuppressFinalize(this);
    }

    /// <summary><see cref="ReviewHandler.Decide"/> for a covered review; the record is taken off the buffer so it never fills.</summary>
    [Benchmark]
    public bool DecideAllow()
    {
        var answer = _handler.Decide(_allow, Stopwatch.GetTimestamp());
        _records.Reader.TryRead(out _);
        return answer.Allowed;
    }

    /// <summary>As <see cref="DecideAllow"/> for a review no window covers: the reason lists the requestable templates.</summary>
    [Benchmark]
    public bool DecideNoOpinion()
    {
        var answer = _handler.Decide(_noOpinion, Stopwatch.GetTimestamp());
        _records.Reader.TryRead(out _);
        return answer.Allowed;
    }

    /// <summary>What the record writer does per record before the bytes reach stdout.</summary>
    [Benchmark]
    public long SerializeRecord()
    {
        _sink.Position = 0;
        JsonSerializer.Serialize(_json, _record, AuthzJsonContext.Default.DecisionRecord);
        _json.Flush();
        _json.Reset();
        return _sink.Position;
    }

    protected virtual void Dispose(bool disposing)
    {
        if (disposing)
        {
            _json?.Dispose();
            _sink.Dispose();
            _metricsServices?.Dispose();
        }
    }
}
