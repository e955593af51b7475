using System.Globalization;
using System.Text;

namespace AuthzWebhook.Notifications;

/// <summary>
/// Screens user text for display in chat: one line, nothing hidden, bounded. Reasons are screened at request time
/// (<see cref="Elevations.ElevationRequestValidator.Text"/>), but names come from tokens and cannot be refused, and
/// line breaks are allowed in reasons: in a chat message they could start a line that looks like our status.
/// </summary>
internal static class UserText
{
    /// <summary>Longest name shown; Kubernetes user names are rarely over 100 characters, service accounts included.</summary>
    public const int MaxName = 256;

    /// <summary>Longest free text shown: as long as a reason may be, so a reason is never shortened.</summary>
    public const int MaxFreeText = Elevations.ElevationRequestValidator.MaxReasonLength;

    /// <summary>Shown in place of a control, formatting (bidi override, zero-width) or invalid character, so that it is seen, not obeyed.</summary>
    public const char Hidden = '\uFFFD';

    public static string Screen(TextPart part) => part.Kind switch
    {
        TextPartKind.Ours => part.Text,
        TextPartKind.Name => Screen(part.Text, MaxName),
        _ => Screen(part.Text, MaxFreeText),
    };

    /// <summary>
    /// Runs of line breaks and tabs become one space; other control, formatting and separator characters become
    /// <see cref="Hidden"/>, so "adm&#x200B;in" cannot pass for "admin"; more than <paramref name="maxLength"/>
    /// characters are cut, ending in "…". Markup is left to each format to escape.
    /// </summary>
    public static string Screen(string text, int maxLength)
    {
        var screened = new StringBuilder(Math.Min(text.Length, maxLength));
        var afterBreak = false;
        foreach (var rune in text.EnumerateRunes())
        {
            if (IsBreak(rune))
            {
                // "a \n b" is one space too: the break must not leave an indent that looks like a list or a quote.
                TrimEnd(screened);
                screened.Append(' ');
                afterBreak = true;
                continue;
            }

            if (afterBreak && rune.Value == ' ')
            {
                continue;
            }

            afterBreak = false;
            if (IsHidden(rune))
            {
                screened.Append(Hidden);
            }
            else
            {
                // Invalid UTF-16 (a lone surrogate) enumerates as U+FFFD already.
                screened.Append(rune.ToString());
            }

            if (screened.Length > maxLength)
            {
                break;
            }
        }

        return Shorten(screened.ToString().Trim(' '), maxLength);
    }

    /// <summary>At most <paramref name="maxLength"/> characters, the last an ellipsis when cut; never half a surrogate pair.</summary>
    public static string Shorten(string text, int maxLength)
    {
        if (text.Length <= maxLength)
        {
            return text;
        }

        var cut = maxLength - 1;
        if (cut > 0 && char.IsHighSurrogate(text[cut - 1]))
        {
            cut--;
        }

        return string.Concat(text.AsSpan(0, cut), "…");
    }

    private static bool IsBreak(Rune rune) =>
        rune.Value is '\r' or '\n' or '\t' or '\v' or '\f' or 0x85 or 0x2028 or 0x2029;

    private static bool IsHidden(Rune rune) =>
        Rune.GetUnicodeCategory(rune) is UnicodeCategory.Control or UnicodeCategory.Format
            or UnicodeCategory.LineSeparator or UnicodeCategory.ParagraphSeparator;

    private static void TrimEnd(StringBuilder text)
    {
        while (text.Length > 0 && text[^1] == ' ')
        {
            text.Length--;
        }
    }
}
