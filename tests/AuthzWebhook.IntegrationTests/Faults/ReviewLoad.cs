using System.Collections.Concurrent;
using System.Net.Http.Headers;
using System.Text;
using System.Text.RegularExpressions;
using AuthzWebhook.IntegrationTests.Infrastructure;

namespace AuthzWebhook.IntegrationTests.Faults;

/// <summary>
/// Reviews sent without pause from several loops against every instance, for users who hold (or held) windows; every
/// answer is kept with the time it was sent, so that what was allowed can be checked afterwards against what Postgres
/// says each window was at that time.
/// </summary>
internal sealed partial class ReviewLoad : IAsyncDisposable
{
    private readonly ConcurrentQueue<ReviewAnswer> _answers = new();
    private readonly CancellationTokenSource _stop = new();
    private readonly List<Task> _loops = [];
    private readonly List<HttpClient> _clients = [];

    public ReviewLoad(TestPki pki, IReadOnlyList<WebhookServer> servers, IReadOnlyList<string> users, int loopsPerServer = 2)
        : this(pki, [.. servers.Select(s => (s.InstanceName, s.AuthorizeUri))], users, loopsPerServer)
    {
    }

    /// <summary>Loops against each target, named by instance, at its <c>/authorize</c> address.</summary>
    public ReviewLoad(TestPki pki, IReadOnlyList<(string Instance, Uri Authorize)> targets, IReadOnlyList<string> users, int loopsPerServer = 2)
    {
        foreach (var target in targets)
        {
            var client = pki.CreateHttpClient(pki.ClientCertificate);
            client.Timeout = TimeSpan.FromSeconds(10);
            _clients.Add(client);
            for (var i = 0; i < loopsPerServer; i++)
            {
                var seed = _loops.Count;
                _loops.Add(Task.Run(() => LoopAsync(client, target.Instance, target.Authorize, users, seed)));
            }
        }
    }

    public IReadOnlyList<ReviewAnswer> Answers => [.. _answers];

    public async Task StopAsync()
    {
        await _stop.CancelAsync();
        await Task.WhenAll(_loops);
    }

    public async ValueTask DisposeAsync()
    {
        if (!_stop.IsCancellationRequested)
        {
            await StopAsync();
        }

        foreach (var client in _clients)
        {
            client.Dispose();
        }

        _stop.Dispose();
    }

    private async Task LoopAsync(HttpClient client, string instance, Uri authorize, IReadOnlyList<string> users, int seed)
    {
        var random = new Random(seed);
        while (!_stop.IsCancellationRequested)
        {
            var user = users[random.Next(users.Count)];
            var body = Reviews.Resource(user, ["oidc:sre"], "get", "pods", "payments", "log", name: "api-1");
            var sentAt = DateTimeOffset.UtcNow;
            var started = System.Diagnostics.Stopwatch.GetTimestamp();
            try
            {
                using var content = new StringContent(body, Encoding.UTF8);
                content.Headers.ContentType = new MediaTypeHeaderValue("application/json");
                using var response = await client.PostAsync(authorize, content, _stop.Token);
                var text = await response.Content.ReadAsStringAsync(_stop.Token);
                if (!response.IsSuccessStatusCode)
                {
                    _answers.Enqueue(new ReviewAnswer(sentAt, instance, user, (int)response.StatusCode, false, null, null, null));
                    continue;
                }

                var result = ReviewResult.Parse(text);
                var elevation = ElevationPattern().Match(result.Reason);
                _answers.Enqueue(new ReviewAnswer(
                    sentAt,
                    instance,
                    user,
                    200,
                    result.Allowed,
                    result.DecisionId,
                    elevation.Success ? Guid.Parse(elevation.Groups[1].Value) : null,
                    result.EvaluationError,
                    System.Diagnostics.Stopwatch.GetElapsedTime(started)));
            }
            catch (OperationCanceledException) when (_stop.IsCancellationRequested)
            {
                return;
            }
            catch (Exception ex) when (ex is HttpRequestException or TaskCanceledException)
            {
                // No answer at all: the API server would apply its failure policy. Counted as an error.
                _answers.Enqueue(new ReviewAnswer(sentAt, instance, user, 0, false, null, null, null));
            }
        }
    }

    [GeneratedRegex(@"allowed by elevation ([0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12})")]
    private static partial Regex ElevationPattern();
}
