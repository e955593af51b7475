using System.Text;
using System.Text.Json;
using AuthzWebhook.AuditEvents;
using AuthzWebhook.TestSupport;
using Xunit.Abstractions;

namespace AuthzWebhook.Tests.AuditEvents;

/// <summary>
/// Hostile EventList bodies through the audit sink's parser: it either reads a batch whose every stored field fits the
/// store (each odd event read as far as it goes, or skipped), or refuses a body that is no EventList with a reason;
/// nothing else may escape.
/// </summary>
public sealed class AuditEventListFuzzTests(ITestOutputHelper output)
{
    [Fact]
    public void Mutated_and_random_event_lists_are_read_or_refused_and_never_crash()
    {
        var seed = FuzzSettings.Seed;
        var iterations = FuzzSettings.Iterations(100_000);
        output.WriteLine($"EventList fuzz: seed {seed} (AUTHZ_FUZZ_SEED), {iterations} inputs (AUTHZ_FUZZ_ITERATIONS)");
        var options = new AuditEventOptions();
        var bodies = SeedBodies();
        foreach (var body in bodies)
        {
            Assert.True(AuditEventListParser.TryParse(body, options, out var events, out var error), error);
            Assert.NotEmpty(events);
        }

        var mutator = new HostileMutator(seed);
        var failures = new List<string>();
        int read = 0, refused = 0;
        for (var i = 0; i < iterations && failures.Count < 10; i++)
        {
            var input = mutator.Next(bodies, out var how);
            try
            {
                if (!AuditEventListParser.TryParse(input, options, out var events, out var error))
                {
                    refused++;
                    if (events.Count != 0 || string.IsNullOrWhiteSpace(error))
                    {
                        failures.Add(Describe(i, how, input, "refused without a reason, or with events"));
                    }

                    continue;
                }

                read++;
                if (events.Find(e => !Storable(e, options)) is { } bad)
                {
                    failures.Add(Describe(i, how, input, $"accepted an event the store cannot hold: {bad.AuditId}"));
                }
            }
#pragma warning disable CA1031 // Any exception at all is the finding.
            catch (Exception ex)
#pragma warning restore CA1031
            {
                failures.Add(Describe(i, how, input, ex.ToString()));
            }
        }

        output.WriteLine($"EventList fuzz: {read} read, {refused} refused as bad input, {failures.Count} failures");
        Assert.True(failures.Count == 0, $"seed {seed}:\n" + string.Join("\n\n", failures));
        Assert.True(read > iterations / 50, $"only {read} of {iterations} inputs were read: the mutations no longer reach the event fields");
    }

    /// <summary>What Postgres takes: text columns without NUL, within the configured length, and text (no unpaired surrogate); a json column of valid JSON.</summary>
    private static bool Storable(AuditEvent e, AuditEventOptions options)
    {
        var fields = new[] { e.AuditId, e.Stage, e.User, e.Verb, e.RequestUri, e.ApiGroup, e.Resource, e.Subresource, e.Namespace, e.Name, e.Authorization };
        if (!fields.All(v => v is null || (v.Length <= options.MaxStringLength && !v.Contains('\0', StringComparison.Ordinal) && IsText(v))) || e.Stage.Length > 32)
        {
            return false;
        }

        try
        {
            using var document = JsonDocument.Parse(e.Json, new JsonDocumentOptions { MaxDepth = options.MaxJsonDepth });
            return StringsStorable(document.RootElement);
        }
        catch (Exception ex) when (ex is JsonException or InvalidOperationException)
        {
            return false;
        }
    }

    /// <summary>Every name and string in the stored event is text without NUL (what Postgres' json operators can turn into text).</summary>
    private static bool StringsStorable(JsonElement element) => element.ValueKind switch
    {
        JsonValueKind.String => Storable(element.GetString()!),
        JsonValueKind.Array => element.EnumerateArray().All(StringsStorable),
        JsonValueKind.Object => element.EnumerateObject().All(p => Storable(p.Name) && StringsStorable(p.Value)),
        _ => true,
    };

    private static bool Storable(string value) => !value.Contains('\0', StringComparison.Ordinal) && IsText(value);

    private static bool IsText(string value)
    {
        for (var i = 0; i < value.Length; i++)
        {
            if (char.IsHighSurrogate(value[i]) && i + 1 < value.Length && char.IsLowSurrogate(value[i + 1]))
            {
                i++;
            }
            else if (char.IsSurrogate(value[i]))
            {
                return false;
            }
        }

        return true;
    }

    /// <summary>EventLists as the API server's audit webhook backend batches them, built from its own event shape.</summary>
    private static List<byte[]> SeedBodies()
    {
        var log = new KubernetesAuditLog()
            .Request("oidc:bob@example.com", "get", "pods", "payments", "api-7d9f", $"decision {Guid.CreateVersion7()}: no elevation covers this request", subresource: "log")
            .Request("oidc:carol@example.com", "list", "secrets", "kube-system", null, "RBAC: allowed by ClusterRoleBinding \"admins\"", decision: "allow")
            .Request("system:serviceaccount:payments:deployer", "patch", "deployments", "payments", "api", null, decision: "allow");
        var lines = log.Lines;
        return
        [
            List(lines),
            List([lines[0]]),
            List([lines[1], lines[3]]),
            List([lines[^1]]),
        ];
    }

    private static byte[] List(IEnumerable<string> items) =>
        Encoding.UTF8.GetBytes($$"""{"kind":"EventList","apiVersion":"audit.k8s.io/v1","metadata":{},"items":[{{string.Join(',', items)}}]}""");

    private static string Describe(int iteration, string how, byte[] input, string what) =>
        $"input {iteration} ({how}): {what}\n  body (base64): {Convert.ToBase64String(input.AsSpan(0, Math.Min(input.Length, 4096)))}";
}
