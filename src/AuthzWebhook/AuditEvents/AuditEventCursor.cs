using AuthzWebhook.Hosting;

namespace AuthzWebhook.AuditEvents;

/// <summary>
/// Where a page of an elevation's audit events ended, as an opaque token: keyset paging on (time, event_key), the
/// order events are listed in, stays correct while new events arrive.
/// </summary>
internal readonly record struct AuditEventCursor(DateTimeOffset Time, byte[] Key)
{
    private const int KeyLength = 32;

    public override string ToString() => KeysetCursorText.Encode(Time, Key);

    public static bool TryParse(string? text, out AuditEventCursor cursor)
    {
        var parsed = KeysetCursorText.TryDecode(text, KeyLength, out var time, out var key);
        cursor = parsed ? new AuditEventCursor(time, key) : default;
        return parsed;
    }
}
