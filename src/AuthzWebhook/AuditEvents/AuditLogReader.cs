using System.Text.Json;
using System.Text.RegularExpressions;

namespace AuthzWebhook.AuditEvents;

/// <summary>
/// Reads an API server audit log (the log backend's <c>--audit-log-format=json</c>: one audit.k8s.io/v1 <c>Event</c> per
/// line) and keeps, per request (<c>auditID</c>), the event that carries this webhook's decision id.
/// </summary>
internal static partial class AuditLogReader
{
    public const string ReasonAnnotation = "authorization.k8s.io/reason";

    /// <summary>Reads every line; lines that are not audit events are counted, not fatal.</summary>
    public static AuditScan Read(IEnumerable<string> lines)
    {
        var events = 0L;
        var notEvents = 0L;
        var withDecision = new Dictionary<string, AuditedRequest>(StringComparer.Ordinal);
        foreach (var line in lines)
        {
            if (string.IsNullOrWhiteSpace(line))
            {
                continue;
            }

            if (!TryParse(line, out var auditEvent))
            {
                notEvents++;
                continue;
            }

            events++;
            if (auditEvent is null)
            {
                continue;
            }

            // One request writes one event per stage; the authorization annotations are on the stages after the
            // request was authorized. ResponseComplete is the final word; otherwise the latest stage seen stands.
            if (!withDecision.TryGetValue(auditEvent.AuditId, out var seen) || seen.Stage != AuditedRequest.ResponseComplete || auditEvent.Stage == AuditedRequest.ResponseComplete)
            {
                withDecision[auditEvent.AuditId] = auditEvent;
            }
        }

        return new AuditScan(events, notEvents, [.. withDecision.Values]);
    }

    /// <summary>
    /// False when the line is not an audit event; true with <paramref name="auditEvent"/> null for an event without a
    /// decision id of this webhook.
    /// </summary>
    public static bool TryParse(string line, out AuditedRequest? auditEvent)
    {
        auditEvent = null;
        JsonDocument document;
        try
        {
            document = JsonDocument.Parse(line);
        }
        catch (JsonException)
        {
            return false;
        }

        using (document)
        {
            var root = document.RootElement;
            if (root.ValueKind != JsonValueKind.Object
                || Text(root, "kind") != "Event"
                || !Text(root, "apiVersion").StartsWith("audit.k8s.io/", StringComparison.Ordinal)
                || Text(root, "auditID").Length == 0)
            {
                return false;
            }

            if (!root.TryGetProperty("annotations", out var annotations)
                || annotations.ValueKind != JsonValueKind.Object
                || DecisionIdIn(Text(annotations, ReasonAnnotation)) is not { } decisionId)
            {
                return true;
            }

            AuditObjectRef? objectRef = null;
            if (root.TryGetProperty("objectRef", out var o) && o.ValueKind == JsonValueKind.Object)
            {
                objectRef = new AuditObjectRef(Text(o, "resource"), Text(o, "subresource"), Text(o, "namespace"), Text(o, "name"));
            }

            var user = root.TryGetProperty("user", out var u) && u.ValueKind == JsonValueKind.Object ? Text(u, "username") : string.Empty;
            auditEvent = new AuditedRequest(
                Text(root, "auditID"),
                Text(root, "stage"),
                Text(root, "requestReceivedTimestamp"),
                user,
                Text(root, "verb"),
                Text(root, "requestURI"),
                objectRef,
                decisionId);
            return true;
        }
    }

    /// <summary>
    /// The decision id in an <c>authorization.k8s.io/reason</c> value. The API server copies the webhook's reason as is,
    /// but when every authorizer had no opinion it joins their reasons with line breaks, so the webhook's reason may
    /// start any line of the value, not only the first.
    /// </summary>
    public static Guid? DecisionIdIn(string reason) =>
        DecisionIdPattern().Match(reason) is { Success: true } match && Guid.TryParseExact(match.Groups[1].Value, "D", out var id) ? id : null;

    private static string Text(JsonElement element, string name) =>
        element.TryGetProperty(name, out var value) && value.ValueKind == JsonValueKind.String ? value.GetString()! : string.Empty;

    [GeneratedRegex(@"^decision ([0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12})\b", RegexOptions.Multiline | RegexOptions.CultureInvariant)]
    private static partial Regex DecisionIdPattern();
}
