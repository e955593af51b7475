using System.Diagnostics;
using System.Globalization;
using AuthzWebhook.Elevations;
using AuthzWebhook.Identity;
using AuthzWebhook.IntegrationTests.Infrastructure;
using Microsoft.Extensions.DependencyInjection;

namespace AuthzWebhook.Benchmarks.Load;

/// <summary>
/// <c>revocation [--samples 200]</c>: two service instances on one Postgres and one Redis, with production intervals.
/// Each sample activates an elevation through instance A's lifecycle, waits until instance B allows it, revokes it
/// through A, and measures from the start of the revoke until B first answers anything but allow.
/// </summary>
internal static class RevocationRun
{
    private const string Policy = """
        apiVersion: authzwebhook/v1
        templates:
          - name: pod-debug
            description: Debug pods.
            scope: namespaced
            namespaces: ["*"]
            maxDuration: PT1H
            eligibleGroups: ["oidc:sre"]
            rules:
              - apiGroups: [""]
                resources: ["pods", "pods/log"]
                verbs: ["get"]
            approval:
              approvals: 1
              approverGroups: ["oidc:sre-leads"]
        """;

    private static readonly byte[] Review = ReviewBodies.For(new Decisions.ReviewRequest
    {
        User = "oidc:alice@example.com",
        Groups = ["oidc:sre", "system:authenticated"],
        IsResourceRequest = true,
        Verb = "get",
        ApiVersion = "v1",
        Resource = "pods",
        Subresource = "log",
        Namespace = "payments",
        Name = "api-1",
    });

    public static async Task<int> RunAsync(int samples)
    {
        using var pki = new TestPki();
        using var postgres = new LocalPostgres();
        using var redis = new LocalRedis();
        var work = Directory.CreateTempSubdirectory("authz-bench-revocation-").FullName;
        var database = RealEndpoint.CreateDatabase(postgres.AdminConnectionString, "authz_revocation");
        var portB = FreePort.Next();
        await using var a = await RealEndpoint.StartAppAsync(pki, database, redis.Configuration, work, FreePort.Next(), "instance-a", Policy, CancellationToken.None);
        await using var b = await RealEndpoint.StartAppAsync(pki, database, redis.Configuration, work, portB, "instance-b", Policy, CancellationToken.None);
        using var client = MtlsClient.Create(pki, connections: 1);
        var authorizeB = new Uri($"https://127.0.0.1:{portB}/authorize?timeout=10s");
        var lifecycle = a.Services.GetRequiredService<ElevationService>();
        var requester = new CallerIdentity("oidc:alice@example.com", ["oidc:sre"], HasMfa: false, CallerRoles.None);
        var approver = new CallerIdentity("oidc:bob@example.com", ["oidc:sre-leads"], HasMfa: true, CallerRoles.None);
        var lags = new List<double>(samples);

        for (var i = 0; i < samples; i++)
        {
            var created = await lifecycle.CreateAsync(requester, new CreateElevationBody("pod-debug", ["payments"], "PT30M", $"sample {i}", null), null, CancellationToken.None);
            var id = created.Value!.Elevation.Id;
            await lifecycle.ApproveAsync(id, approver, null, CancellationToken.None);
            while (!await AllowsAsync(client, authorizeB))
            {
                await Task.Delay(1);
            }

            var clock = Stopwatch.StartNew();
            await lifecycle.RevokeAsync(id, approver, "measured", CancellationToken.None);
            while (await AllowsAsync(client, authorizeB))
            {
            }

            lags.Add(clock.Elapsed.TotalMilliseconds);
        }

        // Stopped before they are disposed, as a host is at shutdown, so their background loops end cleanly.
        await b.StopAsync();
        await a.StopAsync();
        lags.Sort();
        Console.WriteLine(string.Create(
            CultureInfo.InvariantCulture,
            $"revocation lag, {samples} samples (revoke on A → first non-allow on B): p50 {Percentile(lags, 0.50):F1} ms, p90 {Percentile(lags, 0.90):F1} ms, p99 {Percentile(lags, 0.99):F1} ms, max {lags[^1]:F1} ms"));
        Directory.Delete(work, recursive: true);
        return 0;
    }

    private static async Task<bool> AllowsAsync(HttpClient client, Uri uri)
    {
        using var content = new ByteArrayContent(Review);
        content.Headers.ContentType = new System.Net.Http.Headers.MediaTypeHeaderValue("application/json");
        using var response = await client.PostAsync(uri, content);
        var text = await response.Content.ReadAsStringAsync();
        return text.Contains("\"allowed\":true", StringComparison.Ordinal);
    }

    private static double Percentile(List<double> sorted, double p) => sorted[Math.Min(sorted.Count - 1, (int)Math.Ceiling(p * sorted.Count) - 1)];
}
