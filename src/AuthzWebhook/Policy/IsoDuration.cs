using System.Xml;

namespace AuthzWebhook.Policy;

/// <summary>ISO 8601 durations such as <c>PT30M</c> or <c>P1DT2H</c>; years and months are refused because their length varies.</summary>
internal static class IsoDuration
{
    public static bool TryParse(string? text, out TimeSpan duration)
    {
        duration = default;
        if (string.IsNullOrEmpty(text) || text[0] != 'P' || text.Length > 64)
        {
            return false;
        }

        var datePart = text.IndexOf('T', StringComparison.Ordinal) is var t and >= 0 ? text[..t] : text;
        if (datePart.Contains('Y', StringComparison.Ordinal) || datePart.Contains('M', StringComparison.Ordinal) || text.Contains('-', StringComparison.Ordinal))
        {
            return false;
        }

        try
        {
            duration = XmlConvert.ToTimeSpan(text);
            return true;
        }
        catch (FormatException)
        {
            return false;
        }
        catch (OverflowException)
        {
            return false;
        }
    }

    public static string Format(TimeSpan duration) => XmlConvert.ToString(duration);
}
