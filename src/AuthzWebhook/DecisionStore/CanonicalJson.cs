using System.Buffers;
using System.Globalization;
using System.Text;
using System.Text.Json;

namespace AuthzWebhook.DecisionStore;

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
        var output = new ArrayBufferWriter<byte>(1024);
        Write(element, output, omit);
        return output.WrittenSpan.ToArray();
    }

    /// <summary>Writes the canonical UTF-8 of <paramref name="element"/> into <paramref name="output"/> (the chain writer reuses one buffer).</summary>
    public static void Write(JsonElement element, IBufferWriter<byte> output, string? omit = null)
    {
        switch (element.ValueKind)
        {
            case JsonValueKind.Object:
                WriteObject(element, output, omit);
                break;
            case JsonValueKind.Array:
                Ascii(output, "[");
                var first = true;
                foreach (var item in element.EnumerateArray())
                {
                    if (!first)
                    {
                        Ascii(output, ",");
                    }

                    Write(item, output);
                    first = false;
                }

                Ascii(output, "]");
                break;
            case JsonValueKind.String:
                WriteString(element.GetString()!, output);
                break;
            case JsonValueKind.Number:
                // Records hold integers only (sequence numbers, latencies); anything else is not a record of ours.
                if (!element.TryGetInt64(out var integer))
                {
                    throw new FormatException($"'{element.GetRawText()}' is not an integer; decision records contain no other numbers");
                }

                Span<byte> digits = stackalloc byte[20];
                integer.TryFormat(digits, out var written, default, CultureInfo.InvariantCulture);
                output.Write(digits[..written]);
                break;
            case JsonValueKind.True:
                Ascii(output, "true");
                break;
            case JsonValueKind.False:
                Ascii(output, "false");
                break;
            case JsonValueKind.Null:
                Ascii(output, "null");
                break;
            default:
                throw new FormatException($"unexpected JSON value kind {element.ValueKind}");
        }
    }

    private static void WriteObject(JsonElement element, IBufferWriter<byte> output, string? omit)
    {
        // Records have a handful of members per object: a small pooled array sorted in place, each name read once.
        var count = 0;
        foreach (var _ in element.EnumerateObject())
        {
            count++;
        }

        var members = ArrayPool<(string Name, JsonElement Value)>.Shared.Rent(Math.Max(count, 1));
        try
        {
            var n = 0;
            foreach (var member in element.EnumerateObject())
            {
                var name = member.Name;
                if (!string.Equals(name, omit, StringComparison.Ordinal))
                {
                    members[n++] = (name, member.Value);
                }
            }

            Array.Sort(members, 0, n, MemberOrder.Instance);
            Ascii(output, "{");
            for (var i = 0; i < n; i++)
            {
                if (i > 0)
                {
                    Ascii(output, ",");
                }

                WriteString(members[i].Name, output);
                Ascii(output, ":");
                Write(members[i].Value, output);
            }

            Ascii(output, "}");
        }
        finally
        {
            ArrayPool<(string Name, JsonElement Value)>.Shared.Return(members, clearArray: true);
        }
    }

    private static void WriteString(string value, IBufferWriter<byte> output)
    {
        Ascii(output, "\"");
        var start = 0;
        for (var i = 0; i < value.Length; i++)
        {
            var escape = value[i] switch
            {
                '"' => "\\\"",
                '\\' => "\\\\",
                '\b' => "\\b",
                '\f' => "\\f",
                '\n' => "\\n",
                '\r' => "\\r",
                '\t' => "\\t",
                < ' ' => "\\u" + ((int)value[i]).ToString("x4", CultureInfo.InvariantCulture),
                _ => null,
            };
            if (escape is not null)
            {
                Utf8(output, value.AsSpan(start, i - start));
                Ascii(output, escape);
                start = i + 1;
            }
        }

        Utf8(output, value.AsSpan(start));
        Ascii(output, "\"");
    }

    private static void Utf8(IBufferWriter<byte> output, ReadOnlySpan<char> text)
    {
        if (text.IsEmpty)
        {
            return;
        }

        var span = output.GetSpan(Encoding.UTF8.GetMaxByteCount(text.Length));
        output.Advance(Encoding.UTF8.GetBytes(text, span));
    }

    private static void Ascii(IBufferWriter<byte> output, string text)
    {
        var span = output.GetSpan(text.Length);
        for (var i = 0; i < text.Length; i++)
        {
            span[i] = (byte)text[i];
        }

        output.Advance(text.Length);
    }

    /// <summary>RFC 8785 orders members by their names' UTF-16 code units, which is ordinal string order.</summary>
    private sealed class MemberOrder : IComparer<(string Name, JsonElement Value)>
    {
        public static readonly MemberOrder Instance = new();

        public int Compare((string Name, JsonElement Value) x, (string Name, JsonElement Value) y) => string.CompareOrdinal(x.Name, y.Name);
    }
}
