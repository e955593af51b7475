using System.Buffers.Binary;
using Microsoft.IdentityModel.Tokens;

namespace AuthzWebhook.AuditEvents;

/// <summary>
/// Where a page of an elevation's audit events ended, as an opaque token: keyset paging on (time, event_key), the
/// order events are listed in, stays correct while new events arrive.
/// </summary>
internal readonly record struct AuditEventCursor(DateTimeOffset Time, byte[] Key)
{
    private const int KeyLength = 32;
    private const int Length = 8 + KeyLength;

    public override string ToString()
    {
        var bytes = new byte[Length];
        BinaryPrimitives.WriteInt64BigEndian(bytes, Time.UtcTicks);
        Key.CopyTo(bytes, 8);
        return Base64UrlEncoder.Encode(bytes);
    }

    public static bool TryParse(string? text, out AuditEventCursor cursor)
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

        cursor = new AuditEventCursor(new DateTimeOffset(ticks, TimeSpan.Zero), bytes[8..]);
        return true;
    }
}
