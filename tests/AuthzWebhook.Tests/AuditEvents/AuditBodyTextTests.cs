using System.Text;
using AuthzWebhook.AuditEvents;

namespace AuthzWebhook.Tests.AuditEvents;

/// <summary>Only what is not text is replaced, and each replacement is found again by its offset.</summary>
public sealed class AuditBodyTextTests
{
    [Theory]
    [InlineData("""{"a":"plain","b":"\u00e9\ud83d\ude00"}""")]
    [InlineData("""{"a":"\\u0000 is text here: an escaped backslash"}""")]
    [InlineData("""{"a":"\"\\\n\u0041"}""")]
    public void A_body_that_is_text_comes_back_unchanged(string body)
    {
        var bytes = Encoding.UTF8.GetBytes(body);
        var replacedAt = new List<int>();

        var clean = AuditBodyText.Clean(bytes, replacedAt);

        Assert.Equal(bytes, clean.ToArray());
        Assert.Empty(replacedAt);
    }

    [Theory]
    [InlineData("""{"a":"x\u0000y"}""", "{\"a\":\"x\uFFFDy\"}")]
    [InlineData("""{"a":"x\ud800y"}""", "{\"a\":\"x\uFFFDy\"}")]
    [InlineData("""{"a":"x\udc00\ud800"}""", "{\"a\":\"x\uFFFD\uFFFD\"}")]
    [InlineData("""{"\ud800":1}""", "{\"\uFFFD\":1}")]
    public void Escaped_nul_and_unpaired_surrogates_inside_strings_are_replaced(string body, string expected)
    {
        var replacedAt = new List<int>();

        var clean = Encoding.UTF8.GetString(AuditBodyText.Clean(Encoding.UTF8.GetBytes(body), replacedAt).Span);

        Assert.Equal(expected, clean);
        Assert.NotEmpty(replacedAt);
    }

    [Fact]
    public void Invalid_utf8_is_replaced_where_it_stands()
    {
        byte[] body = [.. "{\"a\":\"x"u8, 0xFF, .. "y\",\"b\":\"z\"}"u8];
        var replacedAt = new List<int>();

        var clean = AuditBodyText.Clean(body, replacedAt);

        Assert.Equal("{\"a\":\"x\uFFFDy\",\"b\":\"z\"}", Encoding.UTF8.GetString(clean.Span));
        Assert.Equal([7], replacedAt);
    }
}
