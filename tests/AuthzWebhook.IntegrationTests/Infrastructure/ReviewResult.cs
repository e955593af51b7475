using System.Text.Json;
using System.Text.RegularExpressions;

namespace AuthzWebhook.IntegrationTests.Infrastructure;

/// <summary>A SubjectAccessReview answer as the API server would read it.</summary>
public sealed partial record ReviewResult(string ApiVersion, string Kind, bool Allowed, bool Denied, string Reason, string? EvaluationError, JsonElement Raw)
{
    public Guid DecisionId
    {
        get
        {
            var match = DecisionIdPattern().Match(Reason);
            Assert.True(match.Success, $"reason has no 'decision <id>': {Reason}");
            return Guid.Parse(match.Groups[1].Value);
        }
    }

    public static ReviewResult Parse(string json)
    {
        var root = JsonDocument.Parse(json).RootElement.Clone();
        var status = root.GetProperty("status");
        return new ReviewResult(
            root.GetProperty("apiVersion").GetString()!,
            root.GetProperty("kind").GetString()!,
            status.GetProperty("allowed").GetBoolean(),
            status.TryGetProperty("denied", out var denied) && denied.GetBoolean(),
            status.TryGetProperty("reason", out var reason) ? reason.GetString()! : string.Empty,
            status.TryGetProperty("evaluationError", out var error) ? error.GetString() : null,
            root);
    }

    [GeneratedRegex(@"^decision ([0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12})\b")]
    private static partial Regex DecisionIdPattern();
}
