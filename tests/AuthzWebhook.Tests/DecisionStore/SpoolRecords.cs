using System.Text.Json;
using AuthzWebhook.Decisions;
using AuthzWebhook.DecisionStore;
using AuthzWebhook.Hosting;

namespace AuthzWebhook.Tests.DecisionStore;

/// <summary>Chained decision records as the writer hands them to the store queue, one pod name apart.</summary>
internal static class SpoolRecords
{
    public static List<PendingDecision> Make(int count, string reason = "decision: none")
    {
        var chainer = new DecisionChainer();
        return [.. Enumerable.Range(0, count).Select(i =>
        {
            var record = chainer.Chain(new DecisionRecord
            {
                Time = "2026-11-27T14:00:00.000000Z",
                DecisionId = Guid.CreateVersion7(),
                Decision = "no_opinion",
                Reason = reason,
                User = new DecisionUser("oidc:alice@example.com", string.Empty, [], new Dictionary<string, string[]>()),
                Request = new DecisionRequest("resource", "get", string.Empty, "v1", "pods", string.Empty, "payments", $"p-{i}", null),
                Instance = "replica-a",
            });
            return new PendingDecision(chainer.Run, record, JsonSerializer.SerializeToUtf8Bytes(record, AuthzJsonContext.Default.DecisionRecord));
        })];
    }
}
