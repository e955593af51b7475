using System.Buffers;
using System.Text;
using System.Text.Json;
using AuthzWebhook.Hosting;
using AuthzWebhook.TestSupport;
using AuthzWebhook.Webhook;
using Xunit.Abstractions;
using static AuthzWebhook.Tests.Windows.TestWindows;

namespace AuthzWebhook.Tests.Webhook;

/// <summary>
/// Hostile review bodies through everything /authorize does besides HTTP: parse, decide, phrase the reason, serialise the
/// record and the answer. Windows are active, but only for a user and a group that no seed body names and no mutation
/// writes, so an allow can only be a bug: the seed bodies themselves are checked to be no-opinion first.
/// </summary>
public sealed class ReviewFuzzTests(ITestOutputHelper output) : IAsyncLifetime
{
    private const string WindowUser = "oidc:alice@example.com";
    private const string WindowGroup = "oidc:window-holders";

    private ReviewHandlerRig _rig = null!;

    public async Task InitializeAsync()
    {
        _rig = await ReviewHandlerRig.StartAsync("fuzz");
        _rig.Windows.Apply(ForUser(WindowUser));
        _rig.Windows.Apply(ForUser(WindowUser, template: "break-glass-admin", namespaces: []));
        _rig.Windows.Apply(ForGroup(WindowGroup));
    }

    public async Task DisposeAsync() => await _rig.DisposeAsync();

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
            Assert.False(_rig.Handler.Decide(request!, _rig.Time.GetTimestamp()).Allowed, Encoding.UTF8.GetString(body));
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
                var answer = _rig.Handler.Decide(request!, _rig.Time.GetTimestamp());
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

                while (_rig.Records.Reader.TryRead(out var record))
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
        while (_rig.Records.Reader.TryRead(out _))
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

}
