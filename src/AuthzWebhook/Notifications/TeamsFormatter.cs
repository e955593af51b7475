using System.Buffers;
using System.Text.Encodings.Web;
using System.Text.Json;

namespace AuthzWebhook.Notifications;

/// <summary>
/// A message for a Teams Workflows (Power Automate) webhook: one Adaptive Card 1.4 with the sentence as its title,
/// our status, the elevation's details, and a button to it when a link is configured.
/// <para>
/// TextBlocks and facts render Markdown, and the schema has no way to turn that off, so user text goes only into
/// TextRuns (in RichTextBlocks), which render none: a reason cannot bold a fake status or disguise a link. Our
/// status (event, state, approvals, expiry, id) has a container of its own, and the only link is our button.
/// </para>
/// </summary>
internal static class TeamsFormatter
{
    // Receivers parse the body as JSON, never embed it in HTML; relaxed escaping keeps names readable on the wire.
    private static readonly JsonWriterOptions WriterOptions = new() { Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping };

    public static byte[] Format(NotificationEvent notification, string? link)
    {
        var buffer = new ArrayBufferWriter<byte>(4096);
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
            Title(json, notification);
            Status(json, notification);
            Details(json, notification);
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

    /// <summary>The sentence, our wording in bold and user text in normal weight, so a forged phrase looks different too.</summary>
    private static void Title(Utf8JsonWriter json, NotificationEvent notification)
    {
        json.WriteStartObject();
        json.WriteString("type", "RichTextBlock");
        json.WriteString("id", "title");
        json.WriteStartArray("inlines");
        foreach (var part in NotificationText.Parts(notification))
        {
            var text = UserText.Screen(part);
            if (text.Length == 0)
            {
                continue;
            }

            json.WriteStartObject();
            json.WriteString("type", "TextRun");
            json.WriteString("text", text);
            json.WriteString("size", "Medium");
            if (!part.IsUserText)
            {
                json.WriteString("weight", "Bolder");
            }

            json.WriteEndObject();
        }

        json.WriteEndArray();
        json.WriteEndObject();
    }

    private static void Status(Utf8JsonWriter json, NotificationEvent notification)
    {
        var e = notification.Elevation;
        StartContainer(json, "status", separator: false);
        Row(json, "Event", notification.Event, UserText.MaxName);
        Row(json, "State", e.State, UserText.MaxName);
        Row(json, "Approvals", e.RequiredApprovals == 0 ? null : $"{e.Approvals} of {e.RequiredApprovals}", UserText.MaxName);
        Row(json, "Expires", e.ExpiresAt is { } expires ? NotificationText.Time(expires) : null, UserText.MaxName);
        Row(json, "Elevation", e.Id.ToString("D"), UserText.MaxName);
        EndContainer(json);
    }

    private static void Details(Utf8JsonWriter json, NotificationEvent notification)
    {
        var e = notification.Elevation;
        StartContainer(json, "details", separator: true);
        Row(json, "By", notification.Actor, UserText.MaxName);
        Row(json, "Requester", e.Requester, UserText.MaxName);
        Row(json, "Template", e.Template, UserText.MaxName);
        Row(json, "Namespaces", e.Namespaces.Length == 0 ? "cluster-wide" : string.Join(", ", e.Namespaces.Select(n => UserText.Screen(n, UserText.MaxName))), int.MaxValue);
        Row(json, "Duration", e.Duration, UserText.MaxName);
        Row(json, "Ticket", e.Ticket, UserText.MaxFreeText);
        Row(json, "Reason", e.Reason, UserText.MaxFreeText);
        Row(json, "Comment", notification.Comment, UserText.MaxFreeText);
        EndContainer(json);
    }

    private static void StartContainer(Utf8JsonWriter json, string id, bool separator)
    {
        json.WriteStartObject();
        json.WriteString("type", "Container");
        json.WriteString("id", id);
        if (separator)
        {
            json.WriteBoolean("separator", true);
        }

        json.WriteStartArray("items");
    }

    private static void EndContainer(Utf8JsonWriter json)
    {
        json.WriteEndArray();
        json.WriteEndObject();
    }

    /// <summary>
    /// A fact as a label column (ours) and a value column holding one TextRun, since a FactSet would render the value
    /// as Markdown. A missing value leaves out its row: an empty row says nothing.
    /// </summary>
    private static void Row(Utf8JsonWriter json, string title, string? value, int maxLength)
    {
        var text = value is null ? string.Empty : UserText.Screen(value, maxLength);
        if (text.Length == 0)
        {
            return;
        }

        json.WriteStartObject();
        json.WriteString("type", "ColumnSet");
        json.WriteString("spacing", "Small");
        json.WriteStartArray("columns");

        json.WriteStartObject();
        json.WriteString("type", "Column");
        json.WriteString("width", "100px");
        json.WriteStartArray("items");
        json.WriteStartObject();
        json.WriteString("type", "TextBlock");
        json.WriteString("text", title);
        json.WriteString("weight", "Bolder");
        json.WriteBoolean("wrap", true);
        json.WriteEndObject();
        json.WriteEndArray();
        json.WriteEndObject();

        json.WriteStartObject();
        json.WriteString("type", "Column");
        json.WriteString("width", "stretch");
        json.WriteStartArray("items");
        json.WriteStartObject();
        json.WriteString("type", "RichTextBlock");
        json.WriteStartArray("inlines");
        json.WriteStartObject();
        json.WriteString("type", "TextRun");
        json.WriteString("text", text);
        json.WriteEndObject();
        json.WriteEndArray();
        json.WriteEndObject();
        json.WriteEndArray();
        json.WriteEndObject();

        json.WriteEndArray();
        json.WriteEndObject();
    }
}
