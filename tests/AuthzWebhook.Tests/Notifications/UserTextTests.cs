using AuthzWebhook.Notifications;

namespace AuthzWebhook.Tests.Notifications;

/// <summary>User text shown in a chat is one line with nothing hidden: what a reason or a name says, it says in plain sight.</summary>
public sealed class UserTextTests
{
    [Theory]
    [InlineData("plain text", "plain text")]
    [InlineData("routine\n\n**approved**", "routine **approved**")]
    [InlineData("a \r\n  - item", "a - item")]
    [InlineData("a\u2028b\u2029c\u0085d\te\vf\fg", "a b c d e f g")]
    [InlineData("\nleading and trailing\n", "leading and trailing")]
    [InlineData("two  spaces stay", "two  spaces stay")]
    public void Line_breaks_become_one_space(string text, string screened)
    {
        Assert.Equal(screened, UserText.Screen(text, 100));
    }

    [Theory]
    [InlineData("adm\u200Bin", "adm\uFFFDin")]
    [InlineData("\u202Egnp.exe\u202C", "\uFFFDgnp.exe\uFFFD")]
    [InlineData("\u2066x\u2069", "\uFFFDx\uFFFD")]
    [InlineData("a\u0000b\u0007c\u001Bd", "a\uFFFDb\uFFFDc\uFFFDd")]
    [InlineData("bom\uFEFF", "bom\uFFFD")]
    public void Control_bidi_and_zero_width_characters_are_shown_not_obeyed(string text, string screened)
    {
        Assert.Equal(screened, UserText.Screen(text, 100));
    }

    [Fact]
    public void A_lone_surrogate_is_shown_as_a_replacement_character()
    {
        // Built here, not in InlineData: test data is serialized as UTF-8, which cannot hold a lone surrogate.
        Assert.Equal("lone \uFFFD surrogate", UserText.Screen("lone " + '\uD800' + " surrogate", 100));
    }

    [Fact]
    public void Markup_is_left_to_each_format()
    {
        Assert.Equal("**bold** [x](https://evil.example) <!channel> &amp;", UserText.Screen("**bold** [x](https://evil.example) <!channel> &amp;", 100));
    }

    [Fact]
    public void Long_text_is_cut_with_an_ellipsis_and_never_splits_a_surrogate_pair()
    {
        Assert.Equal("abcd…", UserText.Screen("abcdefgh", 5));
        Assert.Equal("abcde", UserText.Screen("abcde", 5));
        Assert.Equal("abc…", UserText.Shorten("abc\U0001F600xyz", 5));
        Assert.Equal(UserText.MaxName, UserText.Screen(new string('r', 100_000), UserText.MaxName).Length);
    }

    [Fact]
    public void Our_wording_is_passed_through_and_user_text_is_screened_by_kind()
    {
        Assert.Equal("a\nb", UserText.Screen(new TextPart("a\nb", TextPartKind.Ours)));
        Assert.Equal(UserText.MaxName, UserText.Screen(new TextPart(new string('n', 5000), TextPartKind.Name)).Length);
        Assert.Equal(UserText.MaxFreeText, UserText.Screen(new TextPart(new string('t', 5000), TextPartKind.FreeText)).Length);
    }
}
