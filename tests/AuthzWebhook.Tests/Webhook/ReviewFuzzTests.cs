using System.Buffers;
using System.Diagnostics.Metrics;
using System.Text;
using System.Text.Json;
using AuthzWebhook.Decisions;
using AuthzWebhook.Hosting;
using AuthzWebhook.Observability;
using AuthzWebhook.Policy;
using AuthzWebhook.TestSupport;
using AuthzWebhook.Webhook;
using AuthzWebhook.Windows;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.FileProviders;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using Microsoft.Extensions.Time.Testing;
using Xunit.Abstractions;
using static AuthzWebhook.Tests.Windows.TestWindows;

namespace AuthzWebhook.Tests.Webhook;

/// <summary>
/// Hostile review bodies through everything /authorize does besides HTTP: parse, decide, phrase the reason, serialise the
/// record and the answer. Windows are active, but only for a user and a group that no seed body names and no mutation
/// writes, so an allow can only be a bug: the seed bodies themselves are checked to be no-opinion first.
/// </summary>
public sealed class ReviewFuzzTests(ITestOutputHelper output) : IAsyncLifetime, IDisposable
{
    private const string WindowUser = "oidc:alice@example.com";
    private const string WindowGroup = "oidc:window-holders";

    private readonly FakeTimeProvider _time = new(Now);
    private readonly ServiceProvider _services = new ServiceCollection().AddMetrics().BuildServiceProvider();
    private readonly ActiveWindowIndex _windows = new();
    private PolicyProvider _policy = null!;
    private DecisionLog _log = null!;
    private ReviewHandler _handler = null!;

    public async Task InitializeAsync()
    {
        var policyOptions = Options.Create(new PolicyOptions { Path = Path.Combine(AppContext.BaseDirectory, "policy", "development.yaml") });
        _policy = new PolicyProvider(policyOptions, new TestEnvironment(), _time, NullLogger<PolicyProvider>.Instance);
        await _policy.StartAsync(CancellationToken.None);
        var windowOptions = Options.Create(new WindowOptions());
        var freshness = new WindowFreshness(_time, windowOptions);
        freshness.Confirm(Now);
        var metrics = new AuthzMetrics(_services.GetRequiredService<IMeterFactory>());
        _log = new DecisionLog(Options.Create(new DecisionLogOptions { Capacity = 1024 }), metrics);
        _handler = new ReviewHandler(new DecisionEngine(_windows, freshness), _policy, new ReplicaHealth(freshness, _time, windowOptions, metrics, NullLogger<ReplicaHealth>.Instance), _log, metrics, _time, Options.Create(new InstanceOptions { InstanceName = "fuzz" }), windowOptions);
        _windows.Apply(ForUser(WindowUser));
        _windows.Apply(ForUser(WindowUser, template: "break-glass-admin", namespaces: []));
        _windows.Apply(ForGroup(WindowGroup));
    }

    public Task DisposeAsync() => _policy.StopAsync(CancellationToken.None);

    public void Dispose()
    {
        _policy.Dispose();
        _services.Dispose();
    }

    [Fact]
    public void Mutated_and_random_review_bodies_never_crash_and_are_never_allowed()
    {
        var seed = FuzzSettings.Seed;
        var iterations = FuzzSettings.Iterations(100_000);
        output.WriteLine($"review fuzz: seed {seed} (AUTHZ_FUZZ_SEED), {iterations} inputs (AUTHZ_FUZZ_ITERATIONS)");
        var bodies = SeedBodies();
        foreach (var body in bodies)
        {
            Assert.True(ReviewParser.TryParse(new ReadOnlySequence<byte>(body), out _, out var request, out var error), error);
            Assert.False(_handler.Handle(request!, _time.GetTimestamp()).Allowed, Encoding.UTF8.GetString(body));
            Drain();
        }

        var mutator = new HostileMutator(seed);
        var limits = ReviewLimits.Default;
        var response = new ArrayBufferWriter<byte>(4096);
        using var recordSink = new MemoryStream();
        using var recordWriter = new Utf8JsonWriter(recordSink);
        var failures = new List<string>();
        int parsed = 0, refused = 0;
        for (var i = 0; i < iterations && failures.Count < 10; i++)
        {
            var input = mutator.Next(bodies, out var how);
            try
            {
                if (!ReviewParser.TryParse(new ReadOnlySequence<byte>(input), limits, out var apiVersion, out var request, out var error))
                {
                    refused++;
                    if (request is not null || string.IsNullOrWhiteSpace(error))
                    {
                        failures.Add(Describe(i, how, input, "refused without a reason, or with a request"));
                    }

                    continue;
                }

                parsed++;
                var answer = _handler.Handle(request!, _time.GetTimestamp());
                if (answer.Allowed)
                {
                    failures.Add(Describe(i, how, input, $"ALLOWED: {answer.Reason}"));
                }

                response.ResetWrittenCount();
                ReviewResponseWriter.Write(response, apiVersion, answer);
                using (var echoed = JsonDocument.Parse(response.WrittenMemory))
                {
                    if (echoed.RootElement.GetProperty("apiVersion").GetString() != apiVersion)
                    {
                        failures.Add(Describe(i, how, input, "answered in another apiVersion"));
                    }
                }

                while (_log.Reader.TryRead(out var record))
                {
                    recordSink.SetLength(0);
                    JsonSerializer.Serialize(recordWriter, record, AuthzJsonContext.Default.DecisionRecord);
                    recordWriter.Flush();
                    recordWriter.Reset();
                }
            }
#pragma warning disable CA1031 // Any exception at all is the finding.
            catch (Exception ex)
#pragma warning restore CA1031
            {
                failures.Add(Describe(i, how, input, ex.ToString()));
            }
        }

        output.WriteLine($"review fuzz: {parsed} parsed and decided, {refused} refused as bad input, {failures.Count} failures");
        Assert.True(failures.Count == 0, $"seed {seed}:\n" + string.Join("\n\n", failures));
        Assert.True(parsed > iterations / 50, $"only {parsed} of {iterations} inputs parsed: the mutations no longer reach the decision path");
    }

    private void Drain()
    {
        while (_log.Reader.TryRead(out _))
        {
        }
    }

    /// <summary>Kubernetes' own bodies (tests/fixtures/k8s) and a few shaped like this cluster's traffic, none naming a window holder.</summary>
    private static List<byte[]> SeedBodies()
    {
        var directory = Path.Combine(AppContext.BaseDirectory, "fixtures", "k8s");
        var bodies = Directory.GetFiles(directory, "0*.json")
            .Where(f => !Path.GetFileName(f).StartsWith("01-", StringComparison.Ordinal) && !Path.GetFileName(f).StartsWith("02-", StringComparison.Ordinal))
            .Order(StringComparer.Ordinal)
            .Select(File.ReadAllBytes)
            .ToList();
        string[] texts =
        [
            """{"apiVersion":"authorization.k8s.io/v1","kind":"SubjectAccessReview","spec":{"resourceAttributes":{"namespace":"payments","verb":"get","version":"v1","resource":"pods","subresource":"log","name":"api-7d9f"},"user":"oidc:bob@example.com","groups":["oidc:sre","system:authenticated"],"extra":{"authentication.kubernetes.io/credential-id":["JTI=0f1c3b2a"],"scopes":["openid","groups"]},"uid":"b0b"},"status":{"allowed":false}}""",
            """{"apiVersion":"authorization.k8s.io/v1beta1","kind":"SubjectAccessReview","spec":{"resourceAttributes":{"namespace":"kube-system","verb":"get","version":"v1","resource":"secrets","name":"token"},"user":"oidc:carol@example.com","group":["oidc:developers","legacy-cluster-admins"]}}""",
            """{"apiVersion":"authorization.k8s.io/v1","kind":"SubjectAccessReview","metadata":{"creationTimestamp":null},"spec":{"nonResourceAttributes":{"path":"/logs/kube-apiserver.log","verb":"get"},"user":"oidc:dave@example.com","groups":["oidc:sre"]},"status":{"allowed":false}}""",
            """{"apiVersion":"authorization.k8s.io/v1","kind":"SubjectAccessReview","spec":{"resourceAttributes":{"verb":"*","group":"*","resource":"*"},"user":"system:serviceaccount:payments:deployer","groups":["system:serviceaccounts","system:serviceaccounts:payments","system:authenticated"],"extra":{"authentication.kubernetes.io/pod-name":["deployer-5c7"],"authentication.kubernetes.io/node-name":["node-1"]}}}""",
        ];
        bodies.AddRange(texts.Select(Encoding.UTF8.GetBytes));
        return bodies;
    }

    private static string Describe(int iteration, string how, byte[] input, string what) =>
        $"input {iteration} ({how}): {what}\n  body (base64): {Convert.ToBase64String(input.AsSpan(0, Math.Min(input.Length, 4096)))}";

    private sealed class TestEnvironment : IHostEnvironment
    {
        public string EnvironmentName { get; set; } = "Test";

        public string ApplicationName { get; set; } = "AuthzWebhook.Tests";

        public string ContentRootPath { get; set; } = AppContext.BaseDirectory;

        public IFileProvider ContentRootFileProvider { get; set; } = new NullFileProvider();
    }
}
