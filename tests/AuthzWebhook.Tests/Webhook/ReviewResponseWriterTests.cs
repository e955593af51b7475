using System.Buffers;
using System.Text.Json;
using AuthzWebhook.Webhook;

namespace AuthzWebhook.Tests.Webhook;

/// <summary>
/// The API server is strict about answers (observed-outcomes.md): a different apiVersion, or allowed and denied both true,
/// becomes an HTTP 500 for the user. The body is parsed back as JSON so that the tests check meaning, not formatting.
/// </summary>
public sealed class ReviewResponseWriterTests
{
    private static readonly Guid DecisionId = Guid.Parse("01935f3a-0000-7000-8000-000000000001");

    [Theory]
    [InlineData(ReviewParser.V1)]
    [InlineData(ReviewParser.V1Beta1)]
    public void Answer_echoes_the_request_api_version_and_kind(string apiVersion)
    {
        using var doc = Write(apiVersion, new ReviewAnswer(DecisionId, Allowed: true, Denied: false, "decision x: allowed", null));

        Assert.Equal(apiVersion, doc.RootElement.GetProperty("apiVersion").GetString());
        Assert.Equal("SubjectAccessReview", doc.RootElement.GetProperty("kind").GetString());
    }

    [Fact]
    public void Answer_carries_nothing_but_api_version_kind_and_status()
    {
        using var doc = Write(ReviewParser.V1, new ReviewAnswer(DecisionId, Allowed: false, Denied: false, "decision x: no opinion", null));

        Assert.Equal(["apiVersion", "kind", "status"], doc.RootElement.EnumerateObject().Select(p => p.Name).Order(StringComparer.Ordinal));
    }

    [Fact]
    public void Allow_has_allowed_true_and_no_denied()
    {
        using var doc = Write(ReviewParser.V1, new ReviewAnswer(DecisionId, Allowed: true, Denied: false, "decision x: allowed", null));
        var status = doc.RootElement.GetProperty("status");

        Assert.True(status.GetProperty("allowed").GetBoolean());
        Assert.False(status.TryGetProperty("denied", out _));
        Assert.False(status.TryGetProperty("evaluationError", out _));
        Assert.Equal("decision x: allowed", status.GetProperty("reason").GetString());
    }

    [Fact]
    public void No_opinion_still_has_allowed_false_and_no_denied()
    {
        // allowed is required by the API; omitting it is not "no opinion".
        using var doc = Write(ReviewParser.V1, new ReviewAnswer(DecisionId, Allowed: false, Denied: false, "decision x: no opinion", null));
        var status = doc.RootElement.GetProperty("status");

        Assert.Equal(JsonValueKind.False, status.GetProperty("allowed").ValueKind);
        Assert.False(status.TryGetProperty("denied", out _));
    }

    [Fact]
    public void Deny_has_allowed_false_and_denied_true()
    {
        using var doc = Write(ReviewParser.V1, new ReviewAnswer(DecisionId, Allowed: false, Denied: true, "decision x: denied", null));
        var status = doc.RootElement.GetProperty("status");

        Assert.False(status.GetProperty("allowed").GetBoolean());
        Assert.True(status.GetProperty("denied").GetBoolean());
    }

    [Fact]
    public void Allowed_and_denied_are_never_both_true()
    {
        using var doc = Write(ReviewParser.V1, new ReviewAnswer(DecisionId, Allowed: true, Denied: true, "decision x", null));
        var status = doc.RootElement.GetProperty("status");

        Assert.False(status.GetProperty("allowed").GetBoolean() && status.TryGetProperty("denied", out var denied) && denied.GetBoolean());
    }

    [Fact]
    public void Evaluation_error_is_written_only_when_set()
    {
        using var degraded = Write(ReviewParser.V1, new ReviewAnswer(DecisionId, Allowed: false, Denied: false, "decision x: no opinion", "window state is stale"));
        using var normal = Write(ReviewParser.V1, new ReviewAnswer(DecisionId, Allowed: false, Denied: false, "decision x: no opinion", null));

        Assert.Equal("window state is stale", degraded.RootElement.GetProperty("status").GetProperty("evaluationError").GetString());
        Assert.False(normal.RootElement.GetProperty("status").TryGetProperty("evaluationError", out _));
    }

    [Fact]
    public void Reason_is_escaped_into_valid_json()
    {
        const string reason = "decision x: \"quoted\" \\ and\nnewline <tag>";

        using var doc = Write(ReviewParser.V1, new ReviewAnswer(DecisionId, Allowed: false, Denied: false, reason, null));

        Assert.Equal(reason, doc.RootElement.GetProperty("status").GetProperty("reason").GetString());
    }

    private static JsonDocument Write(string apiVersion, ReviewAnswer answer)
    {
        var buffer = new ArrayBufferWriter<byte>();
        ReviewResponseWriter.Write(buffer, apiVersion, answer);
        return JsonDocument.Parse(buffer.WrittenMemory);
    }
}
