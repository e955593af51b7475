using System.Buffers.Binary;
using Microsoft.IdentityModel.Tokens;

namespace AuthzWebhook.Hosting;

/// <summary>
/// The text of a keyset-paging cursor: a time and a fixed-length key after it, base64url. Shared by every list that
/// pages on (time, key), so that each cursor type only says what its key is.
/// </summary>
internal static class KeysetCursorText
{
    private const int MaxTextLength = 64;

    public static string Encode(DateTimeOffset time, ReadOnlySpan<byte> key)
    {
        var bytes = new byte[8 + key.Length];
        BinaryPrimitives.WriteInt64BigEndian(bytes, time.UtcTicks);
        key.CopyTo(bytes.AsSpan(8));
        return Base64UrlEncoder.Encode(bytes);
    }

    /// <summary>False for anything not written by <see cref="Encode"/> with a key of <paramref name="keyLength"/> bytes.</summary>
    public static bool TryDecode(string? text, int keyLength, out DateTimeOffset time, out byte[] key)
    {
        time = default;
        key = [];
        if (string.IsNullOrEmpty(text) || text.Length > MaxTextLength)
        {
            return false;
        }

        byte[] bytes;
        try
        {
            bytes = Base64UrlEncoder.DecodeBytes(text);
        }
        catch (FormatException)
        {
            return false;
        }

        if (bytes.Length != 8 + keyLength)
        {
            return false;
        }

        var ticks = BinaryPrimitives.ReadInt64BigEndian(bytes);
        if (ticks < DateTimeOffset.MinValue.UtcTicks || ticks > DateTimeOffset.MaxValue.UtcTicks)
        {
            return false;
        }

        time = new DateTimeOffset(ticks, TimeSpan.Zero);
        key = bytes[8..];
        return true;
    }
}
