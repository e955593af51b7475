using System.Buffers;
using System.Globalization;
using System.Text.Json;
using System.Text.RegularExpressions;
using System.Text.Unicode;

namespace AuthzWebhook.AuditEvents;

/// <summary>
/// Reads an audit.k8s.io/v1 EventList as the API server's audit webhook backend posts it. All or nothing: one bad
/// event refuses the whole batch, with the path of what is wrong, so a batch is never half stored.
/// </summary>
internal static partial class AuditEventListParser
{
    public const string ReasonAnnotation = "authorization.k8s.io/reason";
    public const string DecisionAnnotation = "authorization.k8s.io/decision";

    public static bool TryParse(ReadOnlyMemory<byte> body, AuditEventOptions limits, out List<AuditEvent> events, out string error)
    {
        events = [];
        try
        {
            if (!StringsAreText(body.Span, limits.MaxJsonDepth, out error))
            {
                return false;
            }

            using var document = JsonDocument.Parse(body, new JsonDocumentOptions { MaxDepth = limits.MaxJsonDepth });
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

            if (items.GetArrayLength() > limits.MaxEvents)
            {
                error = $"items: {items.GetArrayLength()} events, more than the {limits.MaxEvents} accepted in one batch (lower --audit-webhook-batch-max-size)";
                return false;
            }

            var index = 0;
            foreach (var item in items.EnumerateArray())
            {
                if (!TryRead(item, limits, out var e, out var problem))
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

    /// <summary>
    /// True when every string and property name in the body is text. JSON's grammar allows a lone surrogate escape such
    /// as <c>\ud800</c>, and the document parser lets invalid UTF-8 through in places; neither is text: .NET cannot read
    /// it as a string and Postgres refuses it in a json column. So a batch holding one, anywhere (the event is stored
    /// whole), is refused here rather than failing half-way to the store. Unescaped strings are checked in place,
    /// escaped ones decoded into a pooled buffer; the reader also checks the nesting limit and the syntax.
    /// </summary>
    private static bool StringsAreText(ReadOnlySpan<byte> body, int maxDepth, out string error)
    {
        var reader = new Utf8JsonReader(body, new JsonReaderOptions { MaxDepth = maxDepth });
        char[]? rented = null;
        try
        {
            while (reader.Read())
            {
                if (reader.TokenType is not (JsonTokenType.String or JsonTokenType.PropertyName))
                {
                    continue;
                }

                // The body is one span, so every value is too.
                var value = reader.ValueSpan;
                if (!reader.ValueIsEscaped)
                {
                    if (!Utf8.IsValid(value))
                    {
                        error = $"malformed JSON: the string at byte {reader.TokenStartIndex} is not valid UTF-8";
                        return false;
                    }

                    continue;
                }

                if (rented is null || rented.Length < value.Length)
                {
                    if (rented is not null)
                    {
                        ArrayPool<char>.Shared.Return(rented);
                    }

                    rented = ArrayPool<char>.Shared.Rent(value.Length);
                }

                try
                {
                    reader.CopyString(rented);
                }
                catch (InvalidOperationException)
                {
                    error = $"malformed JSON: the string at byte {reader.TokenStartIndex} is not text (invalid UTF-8, or an escaped lone surrogate: \\ud800-\\udfff without its pair)";
                    return false;
                }
            }
        }
        finally
        {
            if (rented is not null)
            {
                ArrayPool<char>.Shared.Return(rented);
            }
        }

        error = string.Empty;
        return true;
    }

    private static bool TryRead(JsonElement item, AuditEventOptions limits, out AuditEvent? e, out string problem)
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
        if (groups.Length > limits.MaxGroups)
        {
            problem = $"user.groups: {groups.Length} groups, more than the {limits.MaxGroups} accepted (AuthzWebhook:AuditSink:MaxGroups)";
            return false;
        }

        var objectRef = item.TryGetProperty("objectRef", out var o) && o.ValueKind == JsonValueKind.Object ? o : default;

        // A code that is not a number (or not an int) is no response code: it is left out, as a missing one is.
        int? code = item.TryGetProperty("responseStatus", out var status) && status.ValueKind == JsonValueKind.Object
            && status.TryGetProperty("code", out var c) && c.ValueKind == JsonValueKind.Number && c.TryGetInt32(out var parsed) ? parsed : null;
        string? reason = null;
        string? authorization = null;
        if (item.TryGetProperty("annotations", out var annotations) && annotations.ValueKind == JsonValueKind.Object)
        {
            reason = Text(annotations, ReasonAnnotation);
            authorization = Text(annotations, DecisionAnnotation);
        }

        var apiGroup = Field(objectRef, "apiGroup");
        var resource = Field(objectRef, "resource");
        var subresource = Field(objectRef, "subresource");
        var ns = Field(objectRef, "namespace");
        var name = Field(objectRef, "name");
        if (FirstUnfit(limits.MaxStringLength, ("stage", stage), ("user.username", user), ("verb", verb), ("requestURI", uri), ("objectRef.apiGroup", apiGroup),
                ("objectRef.resource", resource), ("objectRef.subresource", subresource), ("objectRef.namespace", ns), ("objectRef.name", name),
                ("annotations." + ReasonAnnotation, reason), ("annotations." + DecisionAnnotation, authorization)) is { } unfit)
        {
            problem = unfit;
            return false;
        }

        foreach (var group in groups)
        {
            if (Unfit(group, limits.MaxStringLength) is { } why)
            {
                problem = $"user.groups: a group {why}";
                return false;
            }
        }

        Guid? decisionId = reason is not null && DecisionIdIn().Match(reason) is { Success: true } m && Guid.TryParse(m.Groups[1].Value, out var id) ? id : null;
        e = new AuditEvent(
            auditId, stage, at.ToUniversalTime(), user, groups, verb,
            apiGroup, resource, subresource, ns, name,
            uri, code, authorization, decisionId, item.GetRawText());
        problem = string.Empty;
        return true;
    }

    /// <summary>The first stored field that is too long or holds a NUL (which a Postgres text column cannot), said plainly.</summary>
    private static string? FirstUnfit(int maxLength, params ReadOnlySpan<(string Name, string? Value)> fields)
    {
        foreach (var (name, value) in fields)
        {
            if (Unfit(value, maxLength) is { } why)
            {
                return $"{name} {why}";
            }
        }

        return null;
    }

    private static string? Unfit(string? value, int maxLength) =>
        value is null ? null
        : value.Length > maxLength ? $"is {value.Length} characters long, more than the {maxLength} accepted (AuthzWebhook:AuditSink:MaxStringLength)"
        : value.Contains('\0', StringComparison.Ordinal) ? "contains a NUL character (U+0000), which cannot be stored"
        : null;

    private static string? Field(JsonElement element, string name) => element.ValueKind == JsonValueKind.Object ? Text(element, name) : null;

    private static string? Text(JsonElement element, string name) =>
        element.TryGetProperty(name, out var value) && value.ValueKind == JsonValueKind.String ? value.GetString() : null;

    [GeneratedRegex("decision ([0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12})", RegexOptions.CultureInvariant, matchTimeoutMilliseconds: 100)]
    private static partial Regex DecisionIdIn();
}
