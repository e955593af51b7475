using System.Text.Json;

namespace AuthzWebhook.AuditEvents;

/// <summary>
/// Reads an audit.k8s.io/v1 EventList as the API server's audit webhook backend posts it, event by event: an event that
/// cannot be used at all is skipped (with its index and why), an odd one is read as far as it goes
/// (<see cref="AuditEventFields"/>), and neither costs the others. Only a body that is not an EventList is refused,
/// since the API server drops a refused batch, every event in it, once its retries are spent.
/// </summary>
internal static class AuditEventListParser
{
    public const string ReasonAnnotation = "authorization.k8s.io/reason";
    public const string DecisionAnnotation = "authorization.k8s.io/decision";

    // The body's size bounds its depth; each event's depth is checked on its own, so that a deep one is skipped alone.
    private const int BodyMaxDepth = int.MaxValue;

    public static bool TryParse(ReadOnlyMemory<byte> body, AuditEventOptions limits, out List<AuditEvent> events, out string error) =>
        TryParse(body, limits, out events, out _, out error);

    public static bool TryParse(ReadOnlyMemory<byte> body, AuditEventOptions limits, out List<AuditEvent> events, out List<SkippedEvent> skipped, out string error)
    {
        events = [];
        skipped = [];
        var replacedAt = new List<int>();
        var text = AuditBodyText.Clean(body, replacedAt);
        if (!TryReadList(text.Span, out var kind, out var apiVersion, out var items, out error))
        {
            return false;
        }

        if (kind != "EventList" || apiVersion != "audit.k8s.io/v1")
        {
            error = "expected kind EventList and apiVersion audit.k8s.io/v1 (configure the API server's audit webhook with --audit-webhook-version=audit.k8s.io/v1)";
            return false;
        }

        if (items is null)
        {
            error = "items: missing or not an array";
            return false;
        }

        if (items.Count > limits.MaxEvents)
        {
            error = $"items: {items.Count} events, more than the {limits.MaxEvents} accepted in one batch (lower --audit-webhook-batch-max-size)";
            return false;
        }

        for (var index = 0; index < items.Count; index++)
        {
            var (start, length) = items[index];
            var item = text.Slice(start, length);
            if (item.Span[0] != '{')
            {
                skipped.Add(new SkippedEvent(index, "not an object"));
                continue;
            }

            JsonDocument document;
            try
            {
                document = JsonDocument.Parse(item, new JsonDocumentOptions { MaxDepth = limits.MaxJsonDepth });
            }
            catch (JsonException)
            {
                // The body was read whole before: depth is the only thing an item can still fail on.
                skipped.Add(new SkippedEvent(index, $"nested deeper than {limits.MaxJsonDepth} levels (AuthzWebhook:AuditSink:MaxJsonDepth)"));
                continue;
            }

            using (document)
            {
                events.Add(AuditEventFields.Read(document.RootElement, item.Span, ReplacedWithin(replacedAt, start, start + length), limits));
            }
        }

        error = string.Empty;
        return true;
    }

    /// <summary>The body's kind, apiVersion and where each of its items lies; false, saying why, when it is not JSON.</summary>
    private static bool TryReadList(ReadOnlySpan<byte> body, out string? kind, out string? apiVersion, out List<(int Start, int Length)>? items, out string error)
    {
        kind = null;
        apiVersion = null;
        items = null;
        var reader = new Utf8JsonReader(body, new JsonReaderOptions { MaxDepth = BodyMaxDepth });
        try
        {
            if (!reader.Read() || reader.TokenType != JsonTokenType.StartObject)
            {
                error = "the body must be a JSON object (an audit.k8s.io/v1 EventList)";
                return false;
            }

            while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
            {
                var name = reader.GetString();
                reader.Read();
                switch (name)
                {
                    case "kind":
                        kind = reader.TokenType == JsonTokenType.String ? reader.GetString() : null;
                        break;
                    case "apiVersion":
                        apiVersion = reader.TokenType == JsonTokenType.String ? reader.GetString() : null;
                        break;
                    case "items" when reader.TokenType == JsonTokenType.StartArray:
                        items = [];
                        while (reader.Read() && reader.TokenType != JsonTokenType.EndArray)
                        {
                            var start = (int)reader.TokenStartIndex;
                            reader.Skip();
                            items.Add((start, (int)reader.BytesConsumed - start));
                        }

                        break;
                    default:
                        items = name == "items" ? null : items;
                        reader.Skip();
                        break;
                }
            }

            // Nothing but white space may follow the list: anything else throws here.
            while (reader.Read())
            {
            }
        }
        catch (JsonException ex)
        {
            error = $"malformed JSON: {ex.Message}";
            return false;
        }

        error = string.Empty;
        return true;
    }

    private static bool ReplacedWithin(List<int> replacedAt, int start, int end)
    {
        var at = replacedAt.BinarySearch(start);
        at = at >= 0 ? at : ~at;
        return at < replacedAt.Count && replacedAt[at] < end;
    }
}
