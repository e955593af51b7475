using System.Buffers;
using System.Text;
using System.Text.Encodings.Web;
using System.Text.Json;

namespace AuthzWebhook.Notifications;

/// <summary>
/// A Slack incoming-webhook message (for Slack only: Mattermost and Rocket.Chat take its shape but render <c>text</c> as
/// Markdown whatever <c>mrkdwn</c> says, which would let user text format itself): <c>text</c> is the whole sentence,
/// shown in notifications and by clients without blocks; the blocks repeat it and add a context line.
/// <para>
/// mrkdwn has no escape for <c>* _ ~ `</c>, so user text is sent only where Slack reads no formatting: the sentence
/// as a <c>plain_text</c> section, and <c>text</c> with <c>mrkdwn: false</c>. The context line, in mrkdwn for our
/// link, holds nothing but our own values: the event, the elevation id, the configured link and the time.
/// </para>
/// </summary>
internal static class SlackFormatter
{
    // Receivers parse the body as JSON, never embed it in HTML; relaxed escaping keeps names readable on the wire.
    private static readonly JsonWriterOptions WriterOptions = new() { Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping };

    /// <summary>Slack's limit for a section's text.</summary>
    internal const int MaxBlockText = 3000;

    /// <summary>Slack's limit for a message's top-level text.</summary>
    internal const int MaxMessageText = 40_000;

    public static byte[] Format(NotificationEvent notification, string? link)
    {
        var buffer = new ArrayBufferWriter<byte>(1024);
        using (var json = new Utf8JsonWriter(buffer, WriterOptions))
        {
            var sentence = Escape(NotificationText.Describe(notification, UserText.Screen));
            json.WriteStartObject();
            json.WriteString("text", Shorten(sentence, MaxMessageText));
            json.WriteBoolean("mrkdwn", false);
            json.WriteStartArray("blocks");

            json.WriteStartObject();
            json.WriteString("type", "section");
            json.WriteStartObject("text");
            json.WriteString("type", "plain_text");
            json.WriteString("text", Shorten(sentence, MaxBlockText));
            json.WriteBoolean("emoji", false);
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

    /// <summary>
    /// At most <paramref name="maxLength"/> characters of escaped text, never cutting an entity in half. Slack refuses
    /// a block whose text is longer, and a refused message would only be retried until given up on.
    /// </summary>
    internal static string Shorten(string escaped, int maxLength)
    {
        if (escaped.Length <= maxLength)
        {
            return escaped;
        }

        var cut = maxLength - 1;
        var entity = escaped.LastIndexOf('&', cut - 1);
        if (entity >= 0 && escaped.IndexOf(';', entity) >= cut)
        {
            cut = entity;
        }

        if (char.IsHighSurrogate(escaped[cut - 1]))
        {
            cut--;
        }

        return string.Concat(escaped.AsSpan(0, cut), "…");
    }

    private static string Context(NotificationEvent notification, string? link)
    {
        var id = notification.Elevation.Id.ToString("D");
        var elevation = link is null ? $"elevation {id}" : $"<{Escape(link)}|elevation {id}>";

        // An event name is ours unless a payload from elsewhere says otherwise; mrkdwn must not show anything else.
        var name = Array.IndexOf(NotificationEvents.All, notification.Event) >= 0 ? notification.Event : "notification";
        return $"{name} · {elevation} · {NotificationText.Time(notification.Time)}";
    }
}
