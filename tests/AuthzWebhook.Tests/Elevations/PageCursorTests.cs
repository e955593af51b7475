using System.Buffers.Binary;
using AuthzWebhook.Elevations;
using Microsoft.IdentityModel.Tokens;

namespace AuthzWebhook.Tests.Elevations;

/// <summary>The list's cursor survives the round trip through a URL, and anything else a client sends is refused, never thrown.</summary>
public sealed class PageCursorTests
{
    public static TheoryData<DateTimeOffset> Instants() => new()
    {
        new DateTimeOffset(2026, 11, 27, 14, 0, 0, TimeSpan.Zero).AddTicks(1234560),
        DateTimeOffset.UnixEpoch,
        DateTimeOffset.MinValue,
        DateTimeOffset.MaxValue,
    };

    [Theory]
    [MemberData(nameof(Instants))]
    public void A_cursor_reads_back_as_the_position_it_was_made_from(DateTimeOffset createdAt)
    {
        var cursor = new PageCursor(createdAt, Guid.NewGuid());

        Assert.True(PageCursor.TryParse(cursor.ToString(), out var parsed));
        Assert.Equal(cursor.CreatedAt.UtcTicks, parsed.CreatedAt.UtcTicks);
        Assert.Equal(cursor.Id, parsed.Id);
        Assert.Equal(TimeSpan.Zero, parsed.CreatedAt.Offset);
    }

    [Fact]
    public void A_position_with_an_offset_reads_back_as_the_same_instant_in_utc()
    {
        var local = new DateTimeOffset(2026, 11, 27, 16, 0, 0, TimeSpan.FromHours(2));

        Assert.True(PageCursor.TryParse(new PageCursor(local, Guid.NewGuid()).ToString(), out var parsed));
        Assert.Equal(new DateTimeOffset(2026, 11, 27, 14, 0, 0, TimeSpan.Zero), parsed.CreatedAt);
        Assert.Equal(TimeSpan.Zero, parsed.CreatedAt.Offset);
    }

    [Fact]
    public void A_cursor_needs_no_escaping_in_a_query_string()
    {
        for (var i = 0; i < 200; i++)
        {
            var text = new PageCursor(DateTimeOffset.UtcNow.AddTicks(i * 7919), Guid.NewGuid()).ToString();
            Assert.Matches("^[A-Za-z0-9_-]+$", text);
            Assert.Equal(text, Uri.EscapeDataString(text));
        }
    }

    public static TheoryData<string?> Garbage() => new()
    {
        null,
        "",
        "A",
        "AAAAA",
        "!!!!",
        "garbage!",
        "not a cursor",
        "%00%00",
        "====",
        Base64UrlEncoder.Encode(new byte[23]),
        Base64UrlEncoder.Encode(new byte[25]),
        Convert.ToBase64String(new byte[24]) + "==",
        new string('A', 65),
        Cursor(long.MaxValue),
        Cursor(-1),
        Cursor(DateTimeOffset.MaxValue.UtcTicks + 1),
    };

    [Theory]
    [MemberData(nameof(Garbage))]
    public void Anything_that_is_not_a_cursor_is_refused(string? text)
    {
        Assert.False(PageCursor.TryParse(text, out var cursor));
        Assert.Equal(default, cursor);
    }

    private static string Cursor(long ticks)
    {
        var bytes = new byte[24];
        BinaryPrimitives.WriteInt64BigEndian(bytes, ticks);
        return Base64UrlEncoder.Encode(bytes);
    }
}
