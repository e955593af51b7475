using System.Globalization;
using System.Text.Json;
using AuthzWebhook.Notifications;

namespace AuthzWebhook.Tests.Notifications;

/// <summary>
/// Notifications whose every user-supplied field tries to forge content: Markdown, mrkdwn, mentions, HTML, line
/// breaks, bidi overrides and zero-width characters. Each field carries its own "ZQ" marker, so a test can tell where
/// user text ended up without knowing how it was rendered.
/// </summary>
internal static class HostileNotifications
{
    /// <summary>The reason from the security finding: a fake status line and a disguised link.</summary>
    public const string ForgedStatus = "routine\n\n**approved by lead (1 of 1)**\n[Approve in the portal](https://evil.example/login)";

    public const string Marker = "ZQ";

    public const string Requester = "ZQREQ\n\n**approved by lead (1 of 1)** <@U123> @everyone \u202Eexe.gnp\u202C z\u200Bw";

    public const string Actor = "ZQACT [lead](https://evil.example/a) _x_ <!channel>\u2028# Heading";

    public const string Template = "ZQTPL*bold*`code`";

    public const string Namespace = "ZQNS_one_";

    public const string Duration = "ZQDUR~x~";

    public const string Ticket = "ZQTKT-#1_x_";

    public const string Reason = ForgedStatus + " ZQRSN\r\n- list\n1. numbered\n> quote\u0085<b>html</b>&amp;\u2066\u2069\uFEFF\u0007";

    public const string Comment = "ZQCMT <!here> <https://evil.example|click> ![img](https://evil.example/i.png)\u2029| table | ~s~ \\*";

    /// <summary>Every marker, each of which must be shown somewhere: screening user text must not drop it.</summary>
    public static readonly string[] Markers = ["ZQREQ", "ZQACT", "ZQTPL", "ZQNS", "ZQDUR", "ZQTKT", "ZQRSN", "ZQCMT"];

    /// <summary>Every event name, and one this version does not know, which is rendered as text too.</summary>
    public static TheoryData<string> Events => [.. NotificationEvents.All, "ZQEVT**x**"];

    public static NotificationEvent For(string @event) => new(
        @event,
        SampleNotifications.RequestedAt,
        Actor,
        Comment,
        new NotificationElevation(
            SampleNotifications.Id,
            "pending",
            Template,
            Requester,
            [Namespace, "payments"],
            Duration,
            Reason,
            Ticket,
            2,
            1,
            null,
            SampleNotifications.RequestedAt.AddMinutes(37)));

    /// <summary>Line breaks, control, formatting (bidi, zero-width) and separator characters: what must never reach a chat as is.</summary>
    public static bool IsHidden(char c) =>
        char.IsControl(c) || char.GetUnicodeCategory(c) is UnicodeCategory.Format or UnicodeCategory.LineSeparator or UnicodeCategory.ParagraphSeparator;

    /// <summary>Every string in <paramref name="element"/> with the path it was found at, e.g. <c>blocks[1].elements[0].text</c>.</summary>
    public static IEnumerable<(string Path, JsonElement Parent, string Value)> Strings(JsonElement element, string path = "$")
    {
        switch (element.ValueKind)
        {
            case JsonValueKind.Object:
                foreach (var property in element.EnumerateObject())
                {
                    if (property.Value.ValueKind == JsonValueKind.String)
                    {
                        yield return ($"{path}.{property.Name}", element, property.Value.GetString()!);
                    }
                    else
                    {
                        foreach (var found in Strings(property.Value, $"{path}.{property.Name}"))
                        {
                            yield return found;
                        }
                    }
                }

                break;
            case JsonValueKind.Array:
                var i = 0;
                foreach (var item in element.EnumerateArray())
                {
                    foreach (var found in Strings(item, $"{path}[{i++}]"))
                    {
                        yield return found;
                    }
                }

                break;
            case JsonValueKind.String:
                yield return (path, element, element.GetString()!);
                break;
        }
    }
}
