using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;

namespace AuthzWebhook.Audit;

/// <summary>
/// How a decision record is chained: <c>hash = hex(SHA-256(seq + "\n" + prev + "\n" + canonical record without
/// "chain"))</c>, where <c>prev</c> is the previous record's hash in the same instance's chain and the first record of a
/// chain (seq 1) has <c>prev</c> = 64 zeros. Changing, removing or reordering any record breaks every later link.
/// </summary>
internal static class ChainHash
{
    public const string ChainMember = "chain";

    public static readonly string Genesis = new('0', 64);

    public static string Compute(long seq, string prev, JsonElement record)
    {
        var header = Encoding.UTF8.GetBytes(string.Create(CultureInfo.InvariantCulture, $"{seq}\n{prev}\n"));
        var body = CanonicalJson.Of(record, ChainMember);
        using var sha = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
        sha.AppendData(header);
        sha.AppendData(body);
        return Convert.ToHexStringLower(sha.GetHashAndReset());
    }
}
