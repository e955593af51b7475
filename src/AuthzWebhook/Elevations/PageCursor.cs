using AuthzWebhook.Hosting;

namespace AuthzWebhook.Elevations;

/// <summary>
/// Where the previous page ended, as an opaque token: keyset paging on (created_at, id) stays correct while new
/// elevations arrive, which offsets would not.
/// </summary>
internal readonly record struct PageCursor(DateTimeOffset CreatedAt, Guid Id)
{
    private const int KeyLength = 16;

    public override string ToString()
    {
        Span<byte> id = stackalloc byte[KeyLength];
        Id.TryWriteBytes(id, bigEndian: true, out _);
        return KeysetCursorText.Encode(CreatedAt, id);
    }

    public static bool TryParse(string? text, out PageCursor cursor)
    {
        var parsed = KeysetCursorText.TryDecode(text, KeyLength, out var time, out var key);
        cursor = parsed ? new PageCursor(time, new Guid(key, bigEndian: true)) : default;
        return parsed;
    }
}
