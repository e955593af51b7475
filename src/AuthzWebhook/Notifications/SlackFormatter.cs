using System.Buffers;
using System.Text;
using System.Text.Encodings.Web;
using System.Text.Json;

namespace AuthzWebhook.Notifications;

/// <summary>
/// A Slack incoming-webhook message (Mattermost and Rocket.Chat take the same): <c>text</c> is the whole sentence,
/// shown in notifications and by clients without blocks; the blocks repeat it with emphasis and add a context line.
/// </summary>
internal static class SlackFormatter
{
    // Receivers parse the body as JSON, never embed it in HTML; relaxed escaping keeps names readable on the wire.
    private static readonly JsonWriterOptions WriterOptions = new() { Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping };

    public static byte[] Format(NotificationEvent notification, string? link)
    {
        var buffer = new ArrayBufferWriter<byte>(1024);
        using (var json = new Utf8JsonWriter(buffer, WriterOptions))
        {
            json.WriteStartObject();
            json.WriteString("text", NotificationText.Describe(notification, Escape, Escape));
            json.WriteStartArray("blocks");

            json.WriteStartObject();
            json.WriteString("type", "section");
            json.WriteStartObject("text");
            json.WriteString("type", "mrkdwn");
            json.WriteString("text", NotificationText.Describe(notification, Bold, Escape));
            json.WriteEndObject();
            json.WriteEndObject();

            json.WriteStartObject();
            json.WriteString("type", "context");
            json.WriteStartArray("elements");
            json.WriteStartObject();
            json.WriteString("type", "mrkdwn");
            json.WriteString("text", Context(notification, link));
            json.WriteEndObject();
            json.WriteEndArray();
            json.WriteEndObject();

            json.WriteEndArray();
            json.WriteEndObject();
        }

        return buffer.WrittenSpan.ToArray();
    }

    /// <summary>
    /// Slack reads &amp;, &lt; and &gt; as control characters (links, mentions such as &lt;!channel&gt;); escaped, user
    /// text can neither ping a channel nor disguise a link.
    /// </summary>
    public static string Escape(string text)
    {
        if (text.AsSpan().IndexOfAny('&', '<', '>') < 0)
        {
            return text;
        }

        var escaped = new StringBuilder(text.Length + 16);
        foreach (var c in text)
        {
            switch (c)
            {
                case '&': escaped.Append("&amp;"); break;
                case '<': escaped.Append("&lt;"); break;
                case '>': escaped.Append("&gt;"); break;
                default: escaped.Append(c); break;
            }
        }

        return escaped.ToString();
    }

    private static string Bold(string name) => "*" + Escape(name) + "*";

    private static string Context(NotificationEvent notification, string? link)
    {
        var id = notification.Elevation.Id.ToString("D");
        var elevation = link is null ? $"elevation {id}" : $"<{Escape(link)}|elevation {id}>";
        return $"{notification.Event} · {elevation} · {NotificationText.Time(notification.Time)}";
    }
}
