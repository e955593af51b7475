using System.Buffers.Binary;
using Microsoft.IdentityModel.Tokens;

namespace AuthzWebhook.Elevations;

/// <summary>
/// Where the previous page ended, as an opaque token: keyset paging on (created_at, id) stays correct while new
/// elevations arrive, which offsets would not.
/// </summary>
internal readonly record struct PageCursor(DateTimeOffset CreatedAt, Guid Id)
{
    private const int Length = 8 + 16;

    public override string ToString()
    {
        Span<byte> bytes = stackalloc byte[Length];
        BinaryPrimitives.WriteInt64BigEndian(bytes, CreatedAt.UtcTicks);
        Id.TryWriteBytes(bytes[8..], bigEndian: true, out _);
        return Base64UrlEncoder.Encode(bytes.ToArray());
    }

    public static bool TryParse(string? text, out PageCursor cursor)
    {
        cursor = default;
        if (string.IsNullOrEmpty(text) || text.Length > 64)
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

        if (bytes.Length != Length)
        {
            return false;
        }

        var ticks = BinaryPrimitives.ReadInt64BigEndian(bytes);
        if (ticks < DateTimeOffset.MinValue.UtcTicks || ticks > DateTimeOffset.MaxValue.UtcTicks)
        {
            return false;
        }

        cursor = new PageCursor(new DateTimeOffset(ticks, TimeSpan.Zero), new Guid(bytes.AsSpan(8), bigEndian: true));
        return true;
    }
}
