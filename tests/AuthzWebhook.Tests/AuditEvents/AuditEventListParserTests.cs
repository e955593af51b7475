using System.Text;
using System.Text.Json.Nodes;
using AuthzWebhook.AuditEvents;

namespace AuthzWebhook.Tests.AuditEvents;

/// <summary>
/// The audit sink's parser reads every event the API server can produce, each on its own: an odd one is stored as far
/// as it goes (strings cut and marked, what is not text replaced) or skipped, never taking the batch with it. Only a
/// body that is not an EventList is refused. It never throws.
/// </summary>
public sealed class AuditEventListParserTests
{
    private static readonly AuditEventOptions Options = new();

    private static JsonObject Event(string name = "api-1") => new()
    {
        ["kind"] = "Event",
        ["apiVersion"] = "audit.k8s.io/v1",
        ["level"] = "Metadata",
        ["auditID"] = Guid.NewGuid().ToString(),
        ["stage"] = "ResponseComplete",
        ["requestURI"] = $"/api/v1/namespaces/payments/pods/{name}/log",
        ["verb"] = "get",
        ["user"] = new JsonObject { ["username"] = "oidc:alice@example.com", ["groups"] = new JsonArray("oidc:sre") },
        ["objectRef"] = new JsonObject { ["resource"] = "pods", ["namespace"] = "payments", ["name"] = name, ["subresource"] = "log" },
        ["responseStatus"] = new JsonObject { ["metadata"] = new JsonObject(), ["code"] = 200 },
        ["requestReceivedTimestamp"] = "2026-11-27T14:00:00.120000Z",
        ["stageTimestamp"] = "2026-11-27T14:00:00.123456Z",
    };

    private static string List(params JsonNode[] items) =>
        new JsonObject { ["kind"] = "EventList", ["apiVersion"] = "audit.k8s.io/v1", ["items"] = new JsonArray(items) }.ToJsonString();

    /// <summary>The odd event between two good ones: all three read, in order, the good ones untouched.</summary>
    private static AuditEvent Between(string oddJson) => Between(Encoding.UTF8.GetBytes(oddJson));

    private static AuditEvent Between(byte[] oddJson)
    {
        var before = Encoding.UTF8.GetBytes(Event("before").ToJsonString());
        var after = Encoding.UTF8.GetBytes(Event("after").ToJsonString());
        byte[] body = [.. """{"kind":"EventList","apiVersion":"audit.k8s.io/v1","items":["""u8, .. before, (byte)',', .. oddJson, (byte)',', .. after, .. "]}"u8];

        Assert.True(AuditEventListParser.TryParse(body, Options, out var events, out var error), error);
        Assert.Equal(3, events.Count);
        Assert.Equal("before", events[0].Name);
        Assert.Equal("after", events[2].Name);
        Assert.Equal("oidc:alice@example.com", events[2].User);
        Assert.All([events[0], events[2]], e => Assert.False(e.Truncated || e.Replaced, "an event beside an odd one is stored as posted"));
        return events[1];
    }

    [Fact]
    public void An_impersonated_request_acts_as_the_impersonated_user_with_its_groups_and_names_both()
    {
        var impersonated = Event();
        impersonated["user"] = new JsonObject { ["username"] = "oidc:carol@example.com", ["groups"] = new JsonArray("oidc:support") };
        impersonated["impersonatedUser"] = new JsonObject { ["username"] = "oidc:alice@example.com", ["groups"] = new JsonArray("oidc:sre", "system:authenticated") };

        Assert.True(AuditEventListParser.TryParse(Encoding.UTF8.GetBytes(List(impersonated, Event())), Options, out var events, out var error), error);

        Assert.Equal("oidc:carol@example.com", events[0].User);
        Assert.Equal("oidc:alice@example.com", events[0].ImpersonatedUser);
        Assert.Equal("oidc:alice@example.com", events[0].ActingUser);
        Assert.Equal(["oidc:sre", "system:authenticated"], events[0].Groups);
        Assert.Null(events[1].ImpersonatedUser);
        Assert.Equal("oidc:alice@example.com", events[1].ActingUser);
    }

    [Fact]
    public void A_well_formed_batch_is_read()
    {
        Assert.True(AuditEventListParser.TryParse(Encoding.UTF8.GetBytes(List(Event())), Options, out var events, out var error), error);
        Assert.Equal(200, Assert.Single(events).ResponseCode);
    }

    [Theory]
    [InlineData("decision {0}: allowed by elevation 01a2 (template pod-debug)", true)]
    [InlineData("\ndecision {0}: no opinion; request pod-debug", true)]
    [InlineData("RBAC: allowed by ClusterRoleBinding \"x\" of ClusterRole \"decision {0}\" to User \"alice\"", false)]
    [InlineData("see decision {0}", false)]
    public void A_decision_id_is_read_only_where_the_webhooks_reason_starts_a_line(string reason, bool linked)
    {
        var id = Guid.CreateVersion7();
        var e = Event();
        e["annotations"] = new JsonObject { [AuditEventListParser.ReasonAnnotation] = string.Format(System.Globalization.CultureInfo.InvariantCulture, reason, id) };

        Assert.True(AuditEventListParser.TryParse(Encoding.UTF8.GetBytes(List(e)), Options, out var events, out var error), error);
        Assert.Equal(linked ? id : null, Assert.Single(events).DecisionId);
    }

    [Fact]
    public void An_event_without_a_user_as_for_a_bad_token_is_kept_with_an_empty_user()
    {
        var e = Event();
        e["user"] = new JsonObject();

        Assert.Equal(string.Empty, Between(e.ToJsonString()).User);
    }

    [Theory]
    [InlineData("my-own-request-id")]
    [InlineData("")]
    [InlineData("4d10b80f-b5cd-493b-a367-12ee4d4a9d1a; DROP TABLE audit_events")]
    public void An_audit_id_a_client_chose_is_kept_as_text(string auditId)
    {
        var e = Event();
        e["auditID"] = auditId;

        Assert.Equal(auditId, Between(e.ToJsonString()).AuditId.ToString());
    }

    [Fact]
    public void A_nul_in_an_object_name_as_from_a_percent_00_in_the_uri_is_replaced()
    {
        var e = Event();
        e["objectRef"]!["name"] = "api\0-1";

        var read = Between(e.ToJsonString());

        Assert.Equal("api\uFFFD-1", read.Name);
        Assert.True(read.Replaced);
        Assert.False(read.Truncated);
        Assert.Contains("api\uFFFD-1", read.Json, StringComparison.Ordinal);
    }

    [Fact]
    public void A_request_uri_of_20_kB_is_cut_to_the_longest_string_kept()
    {
        var e = Event();
        e["requestURI"] = "/api/v1/pods?labelSelector=" + new string('a', 20 * 1024);

        var read = Between(e.ToJsonString());

        Assert.Equal(Options.MaxStringLength, read.RequestUri.Length);
        Assert.True(read.Truncated);
        Assert.False(read.Replaced);
        Assert.StartsWith("/api/v1/pods?labelSelector=aaa", read.RequestUri, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("\"oidc:alice@example.com\"", "\"oidc:\\ud800alice\"", "oidc:\uFFFDalice", true)]
    [InlineData("\"oidc:alice@example.com\"", "\"\\udc00\"", "\uFFFD", true)]
    [InlineData("\"oidc:alice@example.com\"", "\"x\\u0000y\"", "x\uFFFDy", true)]
    [InlineData("\"oidc:alice@example.com\"", "\"\\ud83d\\ude00\"", "\U0001F600", false)]
    [InlineData("\"oidc:alice@example.com\"", "\"x\\\\u0000y\"", "x\\u0000y", false)]
    [InlineData("\"level\"", "\"lev\\udfffel\"", "oidc:alice@example.com", true)]
    public void A_string_that_is_not_text_is_kept_with_the_offending_characters_replaced(string from, string to, string user, bool replaced)
    {
        var read = Between(Event().ToJsonString().Replace(from, to, StringComparison.Ordinal));

        Assert.Equal(user, read.User);
        Assert.Equal(replaced, read.Replaced);
    }

    [Fact]
    public void Invalid_utf8_in_a_string_or_a_property_name_is_replaced()
    {
        var bytes = Encoding.UTF8.GetBytes(Event().ToJsonString());
        bytes[bytes.AsSpan().IndexOf("\"level\""u8) + 2] = 0xFF;
        bytes[bytes.AsSpan().IndexOf("oidc:alice"u8) + 1] = 0xC3;

        var read = Between(bytes);

        Assert.Equal("o\uFFFDdc:alice@example.com", read.User);
        Assert.True(read.Replaced);
    }

    [Fact]
    public void An_event_missing_its_verb_stage_uri_and_times_is_kept_with_what_it_has()
    {
        var e = Event();
        e.Remove("verb");
        e.Remove("stage");
        e.Remove("requestURI");
        e.Remove("stageTimestamp");
        e["requestReceivedTimestamp"] = "yesterday";

        var read = Between(e.ToJsonString());

        Assert.Equal(string.Empty, read.Verb);
        Assert.Equal(string.Empty, read.Stage);
        Assert.Equal("pods", read.Resource);
    }

    [Fact]
    public void An_event_with_more_groups_than_are_looked_at_is_kept()
    {
        var e = Event();
        e["user"]!["groups"] = new JsonArray([.. Enumerable.Range(0, 5000).Select(i => (JsonNode)$"g{i}")]);

        Assert.Equal("oidc:alice@example.com", Between(e.ToJsonString()).User);
    }

    [Theory]
    [InlineData("42")]
    [InlineData("\"an event\"")]
    [InlineData("null")]
    [InlineData("[]")]
    public void An_item_that_is_no_event_at_all_is_skipped_and_the_rest_read(string item)
    {
        var body = $$"""{"kind":"EventList","apiVersion":"audit.k8s.io/v1","items":[{{Event("before").ToJsonString()}},{{item}},{{Event("after").ToJsonString()}}]}""";

        Assert.True(AuditEventListParser.TryParse(Encoding.UTF8.GetBytes(body), Options, out var events, out var skipped, out var error), error);
        Assert.Equal(["before", "after"], events.Select(e => e.Name));
        Assert.Equal(new SkippedEvent(1, "not an object"), Assert.Single(skipped));
    }

    [Fact]
    public void An_event_nested_deeper_than_the_limit_is_skipped_and_the_rest_read()
    {
        var deep = Event().ToJsonString().Replace("\"metadata\":{}", "\"metadata\":" + new string('[', 70) + new string(']', 70), StringComparison.Ordinal);
        var body = $$"""{"kind":"EventList","apiVersion":"audit.k8s.io/v1","items":[{{Event("before").ToJsonString()}},{{deep}},{{Event("after").ToJsonString()}}]}""";

        Assert.True(AuditEventListParser.TryParse(Encoding.UTF8.GetBytes(body), Options, out var events, out var skipped, out var error), error);
        Assert.Equal(["before", "after"], events.Select(e => e.Name));
        Assert.Contains("AuthzWebhook:AuditSink:MaxJsonDepth", Assert.Single(skipped).Reason, StringComparison.Ordinal);
    }

    [Fact]
    public void The_same_event_sent_again_has_the_same_key_and_two_requests_sharing_a_client_chosen_audit_id_do_not()
    {
        var first = Event();
        first["auditID"] = "client-chosen";
        var second = Event();
        second["auditID"] = "client-chosen";
        second["requestReceivedTimestamp"] = "2026-11-27T14:00:01.000000Z";
        var body = Encoding.UTF8.GetBytes(List(first, second));

        Assert.True(AuditEventListParser.TryParse(body, Options, out var once, out var error), error);
        Assert.True(AuditEventListParser.TryParse(body, Options, out var again, out error), error);

        Assert.Equal(once[0].Key, again[0].Key);
        Assert.Equal(once[1].Key, again[1].Key);
        Assert.NotEqual(once[0].Key, once[1].Key);
        Assert.Equal(once[0].AuditId, once[1].AuditId);
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

        Assert.True(AuditEventListParser.TryParse(Encoding.UTF8.GetBytes(body), Options, out var events, out var error), error);
        Assert.Null(Assert.Single(events).ResponseCode);
    }

    [Theory]
    [InlineData("not json", "malformed JSON")]
    [InlineData("[]", "EventList")]
    [InlineData("""{"kind":"EventList","apiVersion":"audit.k8s.io/v1beta1","items":[]}""", "audit.k8s.io/v1")]
    [InlineData("""{"kind":"Event","apiVersion":"audit.k8s.io/v1","items":[]}""", "EventList")]
    [InlineData("""{"kind":"EventList","apiVersion":"audit.k8s.io/v1","items":{}}""", "items")]
    [InlineData("""{"kind":"EventList","apiVersion":"audit.k8s.io/v1","items":[{"a":1}]} trailing""", "malformed JSON")]
    [InlineData("""{"kind":"EventList","apiVersion":"audit.k8s.io/v1","items":[{"a":1},]}""", "malformed JSON")]
    public void A_body_that_is_not_an_event_list_is_refused_with_a_reason(string body, string expected)
    {
        Assert.False(AuditEventListParser.TryParse(Encoding.UTF8.GetBytes(body), Options, out var events, out var error));
        Assert.Empty(events);
        Assert.Contains(expected, error, StringComparison.Ordinal);
    }

    [Fact]
    public void More_events_than_one_batch_may_hold_are_refused_naming_the_setting()
    {
        var body = List([.. Enumerable.Range(0, Options.MaxEvents + 1).Select(_ => (JsonNode)new JsonObject())]);

        Assert.False(AuditEventListParser.TryParse(Encoding.UTF8.GetBytes(body), Options, out _, out var error));
        Assert.Contains("--audit-webhook-batch-max-size", error, StringComparison.Ordinal);
    }
}
