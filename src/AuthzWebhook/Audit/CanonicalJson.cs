using System.Globalization;
using System.Text;
using System.Text.Json;

namespace AuthzWebhook.Audit;

/// <summary>
/// The canonical form decision records are hashed in: RFC 8785 (JSON Canonicalization Scheme) for the values records
/// contain — object members sorted by name (UTF-16 code units), no white space, strings with only the escapes JSON
/// requires, integers in plain decimal. It does not depend on how the record was written: a line from stdout, the
/// same record re-serialized by a log shipper, or read back from Postgres canonicalize to the same bytes.
/// </summary>
internal static class CanonicalJson
{
    /// <summary>The canonical UTF-8 of <paramref name="element"/>, leaving out the top-level member <paramref name="omit"/>.</summary>
    public static byte[] Of(JsonElement element, string? omit = null)
    {
        var text = new StringBuilder(1024);
        Write(element, text, omit);
        return Encoding.UTF8.GetBytes(text.ToString());
    }

    private static void Write(JsonElement element, StringBuilder text, string? omit)
    {
        switch (element.ValueKind)
        {
            case JsonValueKind.Object:
                var members = element.EnumerateObject().Where(p => p.Name != omit).OrderBy(p => p.Name, StringComparer.Ordinal).ToList();
                text.Append('{');
                for (var i = 0; i < members.Count; i++)
                {
                    if (i > 0)
                    {
                        text.Append(',');
                    }

                    WriteString(members[i].Name, text);
                    text.Append(':');
                    Write(members[i].Value, text, null);
                }

                text.Append('}');
                break;
            case JsonValueKind.Array:
                text.Append('[');
                var first = true;
                foreach (var item in element.EnumerateArray())
                {
                    if (!first)
                    {
                        text.Append(',');
                    }

                    Write(item, text, null);
                    first = false;
                }

                text.Append(']');
                break;
            case JsonValueKind.String:
                WriteString(element.GetString()!, text);
                break;
            case JsonValueKind.Number:
                // Records hold integers only (sequence numbers, latencies); anything else is not a record of ours.
                text.Append(element.TryGetInt64(out var integer)
                    ? integer.ToString(CultureInfo.InvariantCulture)
                    : throw new FormatException($"'{element.GetRawText()}' is not an integer; decision records contain no other numbers"));
                break;
            case JsonValueKind.True:
                text.Append("true");
                break;
            case JsonValueKind.False:
                text.Append("false");
                break;
            case JsonValueKind.Null:
                text.Append("null");
                break;
            default:
                throw new FormatException($"unexpected JSON value kind {element.ValueKind}");
        }
    }

    private static void WriteString(string value, StringBuilder text)
    {
        text.Append('"');
        foreach (var c in value)
        {
            switch (c)
            {
                case '"':
                    text.Append("\\\"");
                    break;
                case '\\':
                    text.Append("\\\\");
                    break;
                case '\b':
                    text.Append("\\b");
                    break;
                case '\f':
                    text.Append("\\f");
                    break;
                case '\n':
                    text.Append("\\n");
                    break;
                case '\r':
                    text.Append("\\r");
                    break;
                case '\t':
                    text.Append("\\t");
                    break;
                case < ' ':
                    text.Append("\\u").Append(((int)c).ToString("x4", CultureInfo.InvariantCulture));
                    break;
                default:
                    text.Append(c);
                    break;
            }
        }

        text.Append('"');
    }
}
