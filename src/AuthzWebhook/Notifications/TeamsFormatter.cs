using System.Buffers;
using System.Text.Encodings.Web;
using System.Text.Json;

namespace AuthzWebhook.Notifications;

/// <summary>
/// A message for a Teams Workflows (Power Automate) webhook: one Adaptive Card 1.4 with the sentence as its title,
/// the elevation as facts, and a button to it when a link is configured.
/// </summary>
internal static class TeamsFormatter
{
    // Receivers parse the body as JSON, never embed it in HTML; relaxed escaping keeps names readable on the wire.
    private static readonly JsonWriterOptions WriterOptions = new() { Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping };

    public static byte[] Format(NotificationEvent notification, string? link)
    {
        var e = notification.Elevation;
        var buffer = new ArrayBufferWriter<byte>(2048);
        using (var json = new Utf8JsonWriter(buffer, WriterOptions))
        {
            json.WriteStartObject();
            json.WriteString("type", "message");
            json.WriteStartArray("attachments");
            json.WriteStartObject();
            json.WriteString("contentType", "application/vnd.microsoft.card.adaptive");
            json.WriteNull("contentUrl");
            json.WriteStartObject("content");
            json.WriteString("$schema", "http://adaptivecards.io/schemas/adaptive-card.json");
            json.WriteString("type", "AdaptiveCard");
            json.WriteString("version", "1.4");
            json.WriteStartArray("body");

            json.WriteStartObject();
            json.WriteString("type", "TextBlock");
            json.WriteString("text", NotificationText.Plain(notification));
            json.WriteBoolean("wrap", true);
            json.WriteString("weight", "Bolder");
            json.WriteString("size", "Medium");
            json.WriteEndObject();

            json.WriteStartObject();
            json.WriteString("type", "FactSet");
            json.WriteStartArray("facts");
            Fact(json, "Event", notification.Event);
            Fact(json, "By", notification.Actor);
            Fact(json, "Requester", e.Requester);
            Fact(json, "Template", e.Template);
            Fact(json, "Namespaces", e.Namespaces.Length == 0 ? "cluster-wide" : string.Join(", ", e.Namespaces));
            Fact(json, "Duration", e.Duration);
            Fact(json, "Ticket", e.Ticket);
            Fact(json, "Reason", e.Reason);
            Fact(json, "Comment", notification.Comment);
            Fact(json, "State", e.State);
            Fact(json, "Approvals", e.RequiredApprovals == 0 ? null : $"{e.Approvals} of {e.RequiredApprovals}");
            Fact(json, "Expires", e.ExpiresAt is { } expires ? NotificationText.Time(expires) : null);
            Fact(json, "Elevation", e.Id.ToString("D"));
            json.WriteEndArray();
            json.WriteEndObject();

            json.WriteEndArray();
            if (link is not null)
            {
                json.WriteStartArray("actions");
                json.WriteStartObject();
                json.WriteString("type", "Action.OpenUrl");
                json.WriteString("title", "Open elevation");
                json.WriteString("url", link);
                json.WriteEndObject();
                json.WriteEndArray();
            }

            json.WriteEndObject();
            json.WriteEndObject();
            json.WriteEndArray();
            json.WriteEndObject();
        }

        return buffer.WrittenSpan.ToArray();
    }

    /// <summary>Writes a fact unless its value is missing: an empty row says nothing.</summary>
    private static void Fact(Utf8JsonWriter json, string title, string? value)
    {
        if (string.IsNullOrEmpty(value))
        {
            return;
        }

        json.WriteStartObject();
        json.WriteString("title", title);
        json.WriteString("value", value);
        json.WriteEndObject();
    }
}
