using System.Buffers;
using System.Text;
using System.Text.Unicode;

namespace AuthzWebhook.AuditEvents;

/// <summary>
/// Makes a posted body text that .NET and Postgres both take, before it is parsed, changing only what they cannot:
/// invalid UTF-8 becomes U+FFFD, and so do, inside strings, the escapes <c>\u0000</c> (Postgres text cannot hold NUL)
/// and unpaired surrogates (<c>\ud800</c>-<c>\udfff</c> without their pair: not text). Go's encoder, which the API
/// server uses, writes <c>\u0000</c> for a NUL in a name; any client may write the rest.
/// </summary>
internal static class AuditBodyText
{
    private static readonly byte[] Replacement = Encoding.UTF8.GetBytes("\uFFFD");

    /// <summary>The body as text; <paramref name="replacedAt"/> gets the offsets, in what is returned, of every replacement.</summary>
    public static ReadOnlyMemory<byte> Clean(ReadOnlyMemory<byte> body, List<int> replacedAt)
    {
        var span = body.Span;
        if (Utf8.IsValid(span) && !HasSuspectEscape(span))
        {
            return body;
        }

        var output = new ArrayBufferWriter<byte>(body.Length);
        var inString = false;
        var i = 0;
        while (i < span.Length)
        {
            var b = span[i];
            if (b >= 0x80)
            {
                var status = Rune.DecodeFromUtf8(span[i..], out _, out var consumed);
                if (status == OperationStatus.Done)
                {
                    output.Write(span.Slice(i, consumed));
                }
                else
                {
                    Replace(output, replacedAt);
                }

                i += Math.Max(consumed, 1);
                continue;
            }

            if (inString && b == '\\' && i + 1 < span.Length)
            {
                i += CopyEscape(span, i, output, replacedAt);
                continue;
            }

            if (b == '"')
            {
                inString = !inString;
            }

            output.Write(span.Slice(i, 1));
            i++;
        }

        return output.WrittenMemory;
    }

    /// <summary>Copies the escape at <paramref name="at"/> (or its replacement) and returns its length.</summary>
    private static int CopyEscape(ReadOnlySpan<byte> span, int at, ArrayBufferWriter<byte> output, List<int> replacedAt)
    {
        if (span[at + 1] != 'u' || !TryHex(span, at + 2, out var unit))
        {
            output.Write(span.Slice(at, 2));
            return 2;
        }

        if (char.IsHighSurrogate((char)unit) && at + 11 < span.Length && span[at + 6] == '\\' && span[at + 7] == 'u'
            && TryHex(span, at + 8, out var low) && char.IsLowSurrogate((char)low))
        {
            output.Write(span.Slice(at, 12));
            return 12;
        }

        if (unit == 0 || char.IsSurrogate((char)unit))
        {
            Replace(output, replacedAt);
        }
        else
        {
            output.Write(span.Slice(at, 6));
        }

        return 6;
    }

    private static void Replace(ArrayBufferWriter<byte> output, List<int> replacedAt)
    {
        replacedAt.Add(output.WrittenCount);
        output.Write(Replacement);
    }

    private static bool TryHex(ReadOnlySpan<byte> span, int at, out int value)
    {
        value = 0;
        if (at + 4 > span.Length)
        {
            return false;
        }

        foreach (var c in span.Slice(at, 4))
        {
            var digit = c switch
            {
                >= (byte)'0' and <= (byte)'9' => c - '0',
                >= (byte)'a' and <= (byte)'f' => c - 'a' + 10,
                >= (byte)'A' and <= (byte)'F' => c - 'A' + 10,
                _ => -1,
            };
            if (digit < 0)
            {
                return false;
            }

            value = (value * 16) + digit;
        }

        return true;
    }

    /// <summary>True when the body may hold an escaped NUL or surrogate (paired or not; the slow path tells them apart).</summary>
    private static bool HasSuspectEscape(ReadOnlySpan<byte> span)
    {
        for (var at = span.IndexOf("\\u"u8); at >= 0; at = Next(span, at))
        {
            if (TryHex(span, at + 2, out var unit) && (unit == 0 || char.IsSurrogate((char)unit)))
            {
                return true;
            }
        }

        return false;

        static int Next(ReadOnlySpan<byte> span, int at) => span[(at + 2)..].IndexOf("\\u"u8) is var next and >= 0 ? at + 2 + next : -1;
    }
}
