using AuthzWebhook.DecisionStore;

namespace AuthzWebhook.Tests.DecisionStore;

public sealed class VerifyCursorTests
{
    private static readonly VerifyCursor Cursor = new(
        new DateTimeOffset(2026, 11, 27, 0, 0, 0, TimeSpan.Zero),
        new DateTimeOffset(2026, 11, 28, 0, 0, 0, TimeSpan.Zero),
        "replica-é",
        "replica-é",
        Guid.CreateVersion7(),
        10_000,
        10_001,
        new string('a', 64));

    [Fact]
    public void A_cursor_reads_back_as_it_was_written()
    {
        Assert.True(VerifyCursor.TryParse(Cursor.ToString(), TimeSpan.FromDays(31), out var parsed, out _));
        Assert.Equal(Cursor, parsed);
        var unlinked = Cursor with { Instance = null, NextSeq = 0, PrevHash = null };
        Assert.True(VerifyCursor.TryParse(unlinked.ToString(), TimeSpan.FromDays(31), out var bare, out _));
        Assert.Equal(unlinked, bare);
    }

    [Fact]
    public void Every_changed_character_cut_or_range_too_long_is_refused()
    {
        var text = Cursor.ToString();
        for (var i = 0; i < text.Length; i++)
        {
            var changed = string.Concat(text[..i], text[i] == 'A' ? "B" : "A", text[(i + 1)..]);
            Assert.False(VerifyCursor.TryParse(changed, TimeSpan.FromDays(31), out _, out _), $"changed at {i}");
        }

        Assert.False(VerifyCursor.TryParse(text[..^1], TimeSpan.FromDays(31), out _, out _));
        Assert.False(VerifyCursor.TryParse(string.Empty, TimeSpan.FromDays(31), out _, out _));
        Assert.False(VerifyCursor.TryParse("!!", TimeSpan.FromDays(31), out _, out _));
        Assert.False(VerifyCursor.TryParse(text, TimeSpan.FromHours(1), out _, out var error));
        Assert.Contains("next_cursor", error, StringComparison.Ordinal);
    }
}
