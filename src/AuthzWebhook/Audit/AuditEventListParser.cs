using System.Globalization;
using System.Text.Json;
using System.Text.RegularExpressions;

namespace AuthzWebhook.Audit;

/// <summary>
/// Reads an audit.k8s.io/v1 EventList as the API server's audit webhook backend posts it. All or nothing: one bad
/// event refuses the whole batch, with the path of what is wrong, so a batch is never half stored.
/// </summary>
internal static partial class AuditEventListParser
{
    public const string ReasonAnnotation = "authorization.k8s.io/reason";
    public const string DecisionAnnotation = "authorization.k8s.io/decision";

    public static bool TryParse(ReadOnlyMemory<byte> body, int maxEvents, out List<AuditEvent> events, out string error)
    {
        events = [];
        try
        {
            using var document = JsonDocument.Parse(body, new JsonDocumentOptions { MaxDepth = 64 });
            var root = document.RootElement;
            if (root.ValueKind != JsonValueKind.Object)
            {
                error = "the body must be a JSON object (an audit.k8s.io/v1 EventList)";
                return false;
            }

            if (Text(root, "kind") != "EventList" || Text(root, "apiVersion") != "audit.k8s.io/v1")
            {
                error = "expected kind EventList and apiVersion audit.k8s.io/v1 (configure the API server's audit webhook with --audit-webhook-version=audit.k8s.io/v1)";
                return false;
            }

            if (!root.TryGetProperty("items", out var items) || items.ValueKind != JsonValueKind.Array)
            {
                error = "items: missing or not an array";
                return false;
            }

            if (items.GetArrayLength() > maxEvents)
            {
                error = $"items: {items.GetArrayLength()} events, more than the {maxEvents} accepted in one batch (lower --audit-webhook-batch-max-size)";
                return false;
            }

            var index = 0;
            foreach (var item in items.EnumerateArray())
            {
                if (!TryRead(item, out var e, out var problem))
                {
                    error = $"items[{index}]: {problem}";
                    events = [];
                    return false;
                }

                events.Add(e!);
                index++;
            }

            error = string.Empty;
            return true;
        }
        catch (JsonException ex)
        {
            error = $"malformed JSON: {ex.Message}";
            return false;
        }
    }

    private static bool TryRead(JsonElement item, out AuditEvent? e, out string problem)
    {
        e = null;
        if (item.ValueKind != JsonValueKind.Object)
        {
            problem = "not an object";
            return false;
        }

        if (!Guid.TryParse(Text(item, "auditID"), out var auditId))
        {
            problem = "auditID: missing or not a UUID";
            return false;
        }

        var stage = Text(item, "stage");
        if (stage is not { Length: > 0 and <= 32 })
        {
            problem = "stage: missing";
            return false;
        }

        var user = item.TryGetProperty("user", out var u) && u.ValueKind == JsonValueKind.Object ? Text(u, "username") : null;
        var verb = Text(item, "verb");
        var uri = Text(item, "requestURI");
        if (user is null || verb is null || uri is null)
        {
            problem = "user.username, verb and requestURI are required";
            return false;
        }

        var time = Text(item, "stageTimestamp") ?? Text(item, "requestReceivedTimestamp");
        if (!DateTimeOffset.TryParse(time, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal, out var at))
        {
            problem = "stageTimestamp: missing or not an RFC 3339 time";
            return false;
        }

        var groups = u.TryGetProperty("groups", out var g) && g.ValueKind == JsonValueKind.Array
            ? [.. g.EnumerateArray().Where(x => x.ValueKind == JsonValueKind.String).Select(x => x.GetString()!)]
            : Array.Empty<string>();
        var objectRef = item.TryGetProperty("objectRef", out var o) && o.ValueKind == JsonValueKind.Object ? o : default;
        int? code = item.TryGetProperty("responseStatus", out var status) && status.ValueKind == JsonValueKind.Object
            && status.TryGetProperty("code", out var c) && c.TryGetInt32(out var parsed) ? parsed : null;
        string? reason = null;
        string? authorization = null;
        if (item.TryGetProperty("annotations", out var annotations) && annotations.ValueKind == JsonValueKind.Object)
        {
            reason = Text(annotations, ReasonAnnotation);
            authorization = Text(annotations, DecisionAnnotation);
        }

        Guid? decisionId = reason is not null && DecisionIdIn().Match(reason) is { Success: true } m && Guid.TryParse(m.Groups[1].Value, out var id) ? id : null;
        e = new AuditEvent(
            auditId, stage, at.ToUniversalTime(), user, groups, verb,
            Field(objectRef, "apiGroup"), Field(objectRef, "resource"), Field(objectRef, "subresource"), Field(objectRef, "namespace"), Field(objectRef, "name"),
            uri, code, authorization, decisionId, item.GetRawText());
        problem = string.Empty;
        return true;
    }

    private static string? Field(JsonElement element, string name) => element.ValueKind == JsonValueKind.Object ? Text(element, name) : null;

    private static string? Text(JsonElement element, string name) =>
        element.TryGetProperty(name, out var value) && value.ValueKind == JsonValueKind.String ? value.GetString() : null;

    [GeneratedRegex("decision ([0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12})", RegexOptions.CultureInvariant, matchTimeoutMilliseconds: 100)]
    private static partial Regex DecisionIdIn();
}
