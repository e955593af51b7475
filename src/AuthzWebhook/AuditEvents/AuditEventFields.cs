using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;

namespace AuthzWebhook.AuditEvents;

/// <summary>
/// Reads the fields the audit trail keeps from one event, whatever it holds: a field it lacks is empty (an event of a
/// request with a bad token has <c>"user": {}</c>), a string longer than <see cref="AuditEventOptions.MaxStringLength"/>
/// is cut and the event marked truncated, and an audit id is kept as the text the client sent (any string).
/// </summary>
internal static partial class AuditEventFields
{
    /// <summary>What the stage column holds; the API server's stages are far shorter.</summary>
    private const int MaxStageLength = 32;

    /// <param name="item">The event.</param>
    /// <param name="json">The event's JSON, already text (see <see cref="AuditBodyText"/>).</param>
    /// <param name="replaced">Whether making it text replaced anything.</param>
    /// <param name="limits">The sink's limits.</param>
    public static AuditEvent Read(JsonElement item, ReadOnlySpan<byte> json, bool replaced, AuditEventOptions limits)
    {
        var cut = new Cutter(limits.MaxStringLength);
        var user = item.TryGetProperty("user", out var u) && u.ValueKind == JsonValueKind.Object ? u : default;
        // With impersonation, `user` is who authenticated and `impersonatedUser` whom the request acted as: the one
        // authorized, and so the one whose elevation covers it.
        var impersonated = item.TryGetProperty("impersonatedUser", out var i) && i.ValueKind == JsonValueKind.Object ? i : default;
        var actingAs = impersonated.ValueKind == JsonValueKind.Object ? impersonated : user;
        var objectRef = item.TryGetProperty("objectRef", out var o) && o.ValueKind == JsonValueKind.Object ? o : default;
        var annotations = item.TryGetProperty("annotations", out var a) && a.ValueKind == JsonValueKind.Object ? a : default;

        // Groups only find the windows the acting user held; they are not stored apart from the event.
        var groups = actingAs.ValueKind == JsonValueKind.Object && actingAs.TryGetProperty("groups", out var g) && g.ValueKind == JsonValueKind.Array
            ? [.. g.EnumerateArray().Where(x => x.ValueKind == JsonValueKind.String).Take(limits.MaxGroups).Select(x => x.GetString()!)]
            : Array.Empty<string>();

        // A code that is not a number (or not an int) is no response code: it is left out, as a missing one is.
        int? code = item.TryGetProperty("responseStatus", out var status) && status.ValueKind == JsonValueKind.Object
            && status.TryGetProperty("code", out var c) && c.ValueKind == JsonValueKind.Number && c.TryGetInt32(out var parsed) ? parsed : null;
        var stage = Text(item, "stage") ?? string.Empty;
        var reason = cut.Apply(Text(annotations, AuditEventListParser.ReasonAnnotation));
        return new AuditEvent(
            SHA256.HashData(json),
            cut.Apply(Text(item, "auditID")) ?? string.Empty,
            cut.Apply(stage, MaxStageLength)!,
            Time(Text(item, "stageTimestamp")) ?? Time(Text(item, "requestReceivedTimestamp")),
            cut.Apply(Text(user, "username")) ?? string.Empty,
            cut.Apply(Text(impersonated, "username")),
            groups,
            cut.Apply(Text(item, "verb")) ?? string.Empty,
            cut.Apply(Text(objectRef, "apiGroup")),
            cut.Apply(Text(objectRef, "resource")),
            cut.Apply(Text(objectRef, "subresource")),
            cut.Apply(Text(objectRef, "namespace")),
            cut.Apply(Text(objectRef, "name")),
            cut.Apply(Text(item, "requestURI")) ?? string.Empty,
            code,
            cut.Apply(Text(annotations, AuditEventListParser.DecisionAnnotation)),
            // Only where the webhook's own reason stands (the start of a line): an RBAC reason naming a role
            // "decision <id>" must not link an unrelated event to that decision.
            reason is null ? null : AuditLogReader.DecisionIdIn(reason),
            cut.Truncated,
            replaced,
            Encoding.UTF8.GetString(json));
    }

    private static DateTimeOffset? Time(string? text) =>
        DateTimeOffset.TryParse(text, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal, out var at) ? at.ToUniversalTime() : null;

    private static string? Text(JsonElement element, string name) =>
        element.ValueKind == JsonValueKind.Object && element.TryGetProperty(name, out var value) && value.ValueKind == JsonValueKind.String ? value.GetString() : null;

    /// <summary>Cuts strings to the longest kept, never between the two halves of a surrogate pair, and remembers whether it cut.</summary>
    private sealed class Cutter(int maxLength)
    {
        public bool Truncated { get; private set; }

        public string? Apply(string? value) => Apply(value, maxLength);

        public string? Apply(string? value, int max)
        {
            if (value is null || value.Length <= max)
            {
                return value;
            }

            Truncated = true;
            return value[..(char.IsHighSurrogate(value[max - 1]) ? max - 1 : max)];
        }
    }
}
