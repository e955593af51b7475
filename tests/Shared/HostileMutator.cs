using System.Text;

namespace AuthzWebhook.TestSupport;

/// <summary>
/// Makes hostile request bodies from real ones: byte-level damage (bit flips, inserts, deletes, duplicated runs,
/// truncation, splices of two bodies), JSON values swapped for what a parser must survive (huge strings, deep nesting,
/// huge numbers, wrong types, lone surrogate escapes, NUL, BOM, overlong and invalid UTF-8, bidi and zero-width
/// characters), and pure random bytes. Deterministic for a seed, so that any failure can be replayed.
/// </summary>
internal sealed class HostileMutator(int seed)
{
    private static readonly string[] StringPayloads =
    [
        @"\ud800", @"\udc00", @"a\udbff", @"\udfff\ud800", @"\u0000", @"a\u0000b", "\u202Eevil\u202C", "\u200B\u200D\uFEFF",
        "\u2028\u2029", @"\\", @"\""", @"\u001b[31m", "system:masters", "*", "..", "/", "%00", "\u00e9\u0301", "\U0001F600",

        // Words that change a decision rather than break the body: verbs, resources, guarded namespaces and groups.
        "", "secrets", "kube-system", "pods", "log", "exec", "create", "delete", "oidc:sre", "oidc:developers", "system:authenticated",
        "legacy-cluster-admins", "authz-admins", "rbac.authorization.k8s.io", "/healthz", "/logs/*",
    ];

    private static readonly string[] ValuePayloads =
    [
        "null", "true", "false", "0", "-0", "1e999999", "-1e-999999", "123456789012345678901234567890123456789", "1.5", "NaN",
        "{}", "[]", "[null]", "[1,2,3]", "{\"a\":{\"b\":[]}}", "\"\"", "[\"\"]", "{\"\":\"\"}",
    ];

    private static readonly byte[][] BytePayloads =
    [
        [0xEF, 0xBB, 0xBF], [0xC0, 0xAF], [0xE0, 0x80, 0xAF], [0xF0, 0x80, 0x80, 0xAF], [0xFF], [0xFE], [0xC3], [0xED, 0xA0, 0x80],
        [0x00], [0x22], [0x5C], [0x7B], [0x7D], [0x5B], [0x5D], [0x2C], [0x3A],
    ];

    private readonly Random _random = new(seed);

    public int Seed { get; } = seed;

    /// <summary>One hostile input: usually one to four mutations of a random seed body, sometimes pure random bytes.</summary>
    public byte[] Next(IReadOnlyList<byte[]> bodies, out string how)
    {
        if (_random.Next(20) == 0)
        {
            how = "random bytes";
            var noise = new byte[_random.Next(0, 600)];
            _random.NextBytes(noise);
            return noise;
        }

        var body = bodies[_random.Next(bodies.Count)];
        var steps = new StringBuilder();
        // Mostly one mutation, so that many inputs still reach the decision path; sometimes a pile-up.
        var rounds = _random.Next(10) switch { < 6 => 1, < 9 => 2, _ => 3 + _random.Next(3) };
        for (var i = 0; i < rounds; i++)
        {
            body = MutateOnce(body, bodies, out var step);
            steps.Append(step).Append("; ");
        }

        how = steps.ToString();
        return body;
    }

    private byte[] MutateOnce(byte[] body, IReadOnlyList<byte[]> bodies, out string how)
    {
        switch (_random.Next(12))
        {
            case 0:
                how = "bit flips";
                return FlipBits(body);
            case 1:
                how = "bytes inserted";
                return Splice(body, _random.Next(body.Length + 1), 0, RandomBytes(1 + _random.Next(8)));
            case 2:
                how = "bytes deleted";
                return Delete(body);
            case 3:
                how = "run duplicated";
                return Duplicate(body);
            case 4:
                how = "truncated";
                return body.AsSpan(0, _random.Next(body.Length + 1)).ToArray();
            case 5:
                how = "spliced with another body";
                var other = bodies[_random.Next(bodies.Count)];
                return [.. body.AsSpan(0, _random.Next(body.Length + 1)), .. other.AsSpan(_random.Next(other.Length + 1))];
            case 6:
                how = "odd bytes inserted";
                return Splice(body, _random.Next(body.Length + 1), 0, BytePayloads[_random.Next(BytePayloads.Length)]);
            case 7:
                how = "string content replaced with odd text";
                return ReplaceString(body, contentOnly: true, Encoding.UTF8.GetBytes(StringPayloads[_random.Next(StringPayloads.Length)]));
            case 8:
                how = "string replaced with a huge string";
                return ReplaceString(body, contentOnly: true, Encoding.UTF8.GetBytes(new string((char)('a' + _random.Next(26)), _random.Next(200, 70_000))));
            case 9:
                how = "value replaced with a wrong type";
                return ReplaceString(body, contentOnly: false, Encoding.UTF8.GetBytes(ValuePayloads[_random.Next(ValuePayloads.Length)]));
            case 10:
                how = "value replaced with deep nesting";
                var depth = _random.Next(2) == 0 ? _random.Next(5, 40) : _random.Next(40, 3000);
                var array = _random.Next(2) == 0;
                var nested = array
                    ? new string('[', depth) + new string(']', depth)
                    : string.Concat(Enumerable.Repeat("{\"a\":", depth)) + "1" + new string('}', depth);
                return ReplaceString(body, contentOnly: false, Encoding.UTF8.GetBytes(nested));
            default:
                how = "value replaced with a long array";
                var count = _random.Next(100, 5000);
                return ReplaceString(body, contentOnly: false, Encoding.UTF8.GetBytes("[" + string.Join(',', Enumerable.Repeat("\"g\"", count)) + "]"));
        }
    }

    private byte[] FlipBits(byte[] body)
    {
        if (body.Length == 0)
        {
            return body;
        }

        var copy = (byte[])body.Clone();
        for (var i = 1 + _random.Next(4); i > 0; i--)
        {
            copy[_random.Next(copy.Length)] ^= (byte)(1 << _random.Next(8));
        }

        return copy;
    }

    private byte[] Delete(byte[] body)
    {
        if (body.Length == 0)
        {
            return body;
        }

        var start = _random.Next(body.Length);
        return Splice(body, start, Math.Min(body.Length - start, 1 + _random.Next(16)), []);
    }

    private byte[] Duplicate(byte[] body)
    {
        if (body.Length == 0)
        {
            return body;
        }

        var start = _random.Next(body.Length);
        var length = Math.Min(body.Length - start, 1 + _random.Next(64));
        var run = body.AsSpan(start, length).ToArray();
        var copies = _random.Next(1, 20);
        return Splice(body, start, 0, [.. Enumerable.Repeat(run, copies).SelectMany(r => r)]);
    }

    /// <summary>Replaces one quoted string (its content, or the whole value with its quotes) by <paramref name="payload"/>.</summary>
    private byte[] ReplaceString(byte[] body, bool contentOnly, byte[] payload)
    {
        var quotes = new List<int>();
        for (var i = 0; i < body.Length; i++)
        {
            if (body[i] == (byte)'"' && (i == 0 || body[i - 1] != (byte)'\\'))
            {
                quotes.Add(i);
            }
        }

        if (quotes.Count < 2)
        {
            return Splice(body, _random.Next(body.Length + 1), 0, payload);
        }

        var pick = _random.Next(quotes.Count - 1);
        int open = quotes[pick], close = quotes[pick + 1];
        return contentOnly
            ? Splice(body, open + 1, close - open - 1, payload)
            : Splice(body, open, close - open + 1, payload);
    }

    private byte[] RandomBytes(int count)
    {
        var bytes = new byte[count];
        _random.NextBytes(bytes);
        return bytes;
    }

    private static byte[] Splice(byte[] body, int start, int removed, byte[] inserted) =>
        [.. body.AsSpan(0, start), .. inserted, .. body.AsSpan(start + removed)];
}
