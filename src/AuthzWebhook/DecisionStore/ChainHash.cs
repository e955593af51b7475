using System.Buffers;
using System.Globalization;
using System.Security.Cryptography;
using System.Text.Json;

namespace AuthzWebhook.DecisionStore;

/// <summary>
/// How a decision record is chained: <c>hash = hex(SHA-256(seq + "\n" + prev + "\n" + canonical record without
/// "chain"))</c>, where <c>prev</c> is the previous record's hash in the same instance's chain and the first record of a
/// chain (seq 1) has <c>prev</c> = 64 zeros. Changing, removing or reordering any record breaks every later link.
/// </summary>
internal static class ChainHash
{
    public const string ChainMember = "chain";

    public static readonly string Genesis = new('0', 64);

    public static string Compute(long seq, string prev, JsonElement record) => Compute(seq, prev, record, new ArrayBufferWriter<byte>(2048));

    /// <summary>As <see cref="Compute(long, string, JsonElement)"/>, building the input in <paramref name="scratch"/> (cleared first).</summary>
    public static string Compute(long seq, string prev, JsonElement record, ArrayBufferWriter<byte> scratch)
    {
        scratch.ResetWrittenCount();
        var header = scratch.GetSpan(20 + 1 + prev.Length + 1);
        seq.TryFormat(header, out var written, default, CultureInfo.InvariantCulture);
        header[written++] = (byte)'\n';
        for (var i = 0; i < prev.Length; i++)
        {
            header[written++] = (byte)prev[i];
        }

        header[written++] = (byte)'\n';
        scratch.Advance(written);
        CanonicalJson.Write(record, scratch, ChainMember);
        Span<byte> digest = stackalloc byte[SHA256.HashSizeInBytes];
        SHA256.HashData(scratch.WrittenSpan, digest);
        return Convert.ToHexStringLower(digest);
    }
}
