using System.Text;
using System.Text.Json.Nodes;
using AuthzWebhook.AuditEvents;

namespace AuthzWebhook.Tests.AuditEvents;

/// <summary>
/// The audit sink's parser reads a batch whose every stored field the store can hold, or refuses the whole batch with a
/// reason; it never throws. Each case here was once an exception (an HTTP 500) or a batch the store then refused.
/// </summary>
public sealed class AuditEventListParserTests
{
    private static readonly AuditEventOptions Options = new();

    private static JsonObject Event() => new()
    {
        ["kind"] = "Event",
        ["apiVersion"] = "audit.k8s.io/v1",
        ["level"] = "Metadata",
        ["auditID"] = "4d10b80f-b5cd-493b-a367-12ee4d4a9d1a",
        ["stage"] = "ResponseComplete",
        ["requestURI"] = "/api/v1/namespaces/payments/pods/api-1/log",
        ["verb"] = "get",
        ["user"] = new JsonObject { ["username"] = "oidc:alice@example.com", ["groups"] = new JsonArray("oidc:sre") },
        ["objectRef"] = new JsonObject { ["resource"] = "pods", ["namespace"] = "payments", ["name"] = "api-1", ["subresource"] = "log" },
        ["responseStatus"] = new JsonObject { ["metadata"] = new JsonObject(), ["code"] = 200 },
        ["stageTimestamp"] = "2026-11-27T14:00:00.123456Z",
    };

    private static string List(params JsonObject[] items) =>
        new JsonObject { ["kind"] = "EventList", ["apiVersion"] = "audit.k8s.io/v1", ["items"] = new JsonArray(items) }.ToJsonString();

    private static bool Parse(string body, out List<AuditEvent> events, out string error) =>
        AuditEventListParser.TryParse(Encoding.UTF8.GetBytes(body), Options, out events, out error);

    [Fact]
    public void A_well_formed_batch_is_read()
    {
        Assert.True(Parse(List(Event()), out var events, out var error), error);
        Assert.Equal(200, Assert.Single(events).ResponseCode);
    }

    [Theory]
    [InlineData("\"oidc:alice@example.com\"", "\"oidc:\\ud800alice\"")]
    [InlineData("\"oidc:alice@example.com\"", "\"\\udc00\"")]
    [InlineData("\"Metadata\"", "\"\\ud800\"")]
    [InlineData("\"level\"", "\"lev\\udfffel\"")]
    public void A_lone_surrogate_escape_anywhere_refuses_the_batch_without_throwing(string from, string to)
    {
        var body = List(Event()).Replace(from, to, StringComparison.Ordinal);

        Assert.False(Parse(body, out var events, out var error));
        Assert.Empty(events);
        Assert.Contains("not text", error, StringComparison.Ordinal);
    }

    [Fact]
    public void Invalid_utf8_in_a_property_name_refuses_the_batch_without_throwing()
    {
        var bytes = Encoding.UTF8.GetBytes(List(Event()));
        var at = bytes.AsSpan().IndexOf("\"kind\":\"Event\""u8) + 2;
        bytes[at] = 0xFF;

        Assert.False(AuditEventListParser.TryParse(bytes, Options, out _, out var error));
        Assert.Contains("UTF-8", error, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("\"200\"")]
    [InlineData("2e9")]
    [InlineData("1.5")]
    [InlineData("true")]
    [InlineData("null")]
    public void A_response_code_that_is_no_int_is_left_out(string code)
    {
        var body = List(Event()).Replace("\"code\":200", $"\"code\":{code}", StringComparison.Ordinal);

        Assert.True(Parse(body, out var events, out var error), error);
        Assert.Null(Assert.Single(events).ResponseCode);
    }

    [Theory]
    [InlineData("username")]
    [InlineData("verb")]
    [InlineData("requestURI")]
    [InlineData("stage")]
    public void A_nul_in_a_stored_field_refuses_the_batch(string field)
    {
        var e = Event();
        if (field == "username")
        {
            e["user"]!["username"] = "oidc:alice\0";
        }
        else
        {
            e[field] = e[field]!.GetValue<string>() + "\0";
        }

        Assert.False(Parse(List(Event(), e), out var events, out var error));
        Assert.Empty(events);
        Assert.StartsWith("items[1]: ", error, StringComparison.Ordinal);
        Assert.Contains("NUL", error, StringComparison.Ordinal);
    }

    [Fact]
    public void Over_long_fields_too_many_groups_and_deep_nesting_are_refused_naming_the_setting()
    {
        var longUri = Event();
        longUri["requestURI"] = "/api/v1/pods?labelSelector=" + new string('a', 16 * 1024);
        var manyGroups = Event();
        manyGroups["user"]!["groups"] = new JsonArray([.. Enumerable.Range(0, 1025).Select(i => (JsonNode)$"g{i}")]);
        var deep = List(Event()).Replace("\"metadata\":{}", "\"metadata\":" + new string('[', 70) + new string(']', 70), StringComparison.Ordinal);

        Assert.False(Parse(List(longUri), out _, out var uriError));
        Assert.Contains("requestURI is 16411 characters long, more than the 16384 accepted (AuthzWebhook:AuditSink:MaxStringLength)", uriError, StringComparison.Ordinal);
        Assert.False(Parse(List(manyGroups), out _, out var groupsError));
        Assert.Contains("AuthzWebhook:AuditSink:MaxGroups", groupsError, StringComparison.Ordinal);
        Assert.False(Parse(deep, out _, out var deepError));
        Assert.Contains("malformed JSON", deepError, StringComparison.Ordinal);
    }
}
