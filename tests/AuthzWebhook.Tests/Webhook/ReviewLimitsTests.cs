using System.Buffers;
using System.Text;
using AuthzWebhook.Webhook;

namespace AuthzWebhook.Tests.Webhook;

/// <summary>
/// A review over a limit (nesting, string length, group and extra counts) or holding a NUL is refused as bad input,
/// with a message naming the field and the setting; it is never decided, so never allowed.
/// </summary>
public sealed class ReviewLimitsTests
{
    private static string Review(string spec) =>
        """{"apiVersion":"authorization.k8s.io/v1","kind":"SubjectAccessReview","spec":""" + spec + "}";

    private static string Quoted(IEnumerable<string> values) => string.Join(',', values.Select(v => $"\"{v}\""));

    public static TheoryData<string, string> OverLimit() => new()
    {
        { Review($$$"""{"user":"{{{new string('u', 1025)}}}","nonResourceAttributes":{"path":"/","verb":"get"}}"""), "spec.user is 1025 characters long, more than the 1024 accepted (AuthzWebhook:Webhook:MaxStringLength)" },
        { Review($$$"""{"user":"a","uid":"{{{new string('u', 2000)}}}","nonResourceAttributes":{"path":"/","verb":"get"}}"""), "spec.uid is 2000 characters long" },
        { Review($$$"""{"user":"a","groups":["ok","{{{new string('g', 1025)}}}"],"nonResourceAttributes":{"path":"/","verb":"get"}}"""), "spec.groups[1] is 1025 characters long" },
        { Review($$$"""{"user":"a","groups":[{{{Quoted(Enumerable.Range(0, 513).Select(i => "g" + i))}}}],"nonResourceAttributes":{"path":"/","verb":"get"}}"""), "spec.groups has 513 entries, more than the 512 accepted (AuthzWebhook:Webhook:MaxGroups)" },
        { Review($$$"""{"user":"a","extra":{ {{{string.Join(',', Enumerable.Range(0, 65).Select(i => "\"k" + i + "\":[]"))}}} },"nonResourceAttributes":{"path":"/","verb":"get"}}"""), "spec.extra has 65 keys, more than the 64 accepted (AuthzWebhook:Webhook:MaxExtraKeys)" },
        { Review($$$"""{"user":"a","extra":{"scopes":[{{{Quoted(Enumerable.Range(0, 257).Select(i => "s" + i))}}}]},"nonResourceAttributes":{"path":"/","verb":"get"}}"""), "spec.extra['scopes'] has 257 values, more than the 256 accepted (AuthzWebhook:Webhook:MaxExtraValues)" },
        { Review($$$"""{"user":"a","extra":{"scopes":["{{{new string('s', 1025)}}}"]},"nonResourceAttributes":{"path":"/","verb":"get"}}"""), "spec.extra['scopes'] is 1025 characters long" },
        { Review($$$"""{"user":"a","resourceAttributes":{"verb":"get","resource":"pods","namespace":"payments","name":"{{{new string('n', 1025)}}}"}}"""), "spec.resourceAttributes.name is 1025 characters long" },
        { Review($$$"""{"user":"a","nonResourceAttributes":{"path":"/{{{new string('p', 1024)}}}","verb":"get"}}"""), "spec.nonResourceAttributes.path is 1025 characters long" },
        { Review("""{"user":"oidc:alice@example.com\u0000","resourceAttributes":{"verb":"get","resource":"pods"}}"""), "spec.user contains a NUL character" },
        { Review("""{"user":"a","groups":["oidc:sre\u0000x"],"resourceAttributes":{"verb":"get","resource":"pods"}}"""), "spec.groups[0] contains a NUL character" },
        { Review("""{"user":"a","resourceAttributes":{"verb":"get","resource":"pods","namespace":"pay\u0000ments"}}"""), "spec.resourceAttributes.namespace contains a NUL character" },
        { Review($$$"""{"user":"a","future":{{{new string('[', 15)}}}{{{new string(']', 15)}}},"nonResourceAttributes":{"path":"/","verb":"get"}}"""), "malformed SubjectAccessReview JSON" },
    };

    [Theory]
    [MemberData(nameof(OverLimit))]
    public void A_review_over_a_limit_is_refused_naming_the_field_and_the_setting(string body, string expected)
    {
        var ok = ReviewParser.TryParse(new ReadOnlySequence<byte>(Encoding.UTF8.GetBytes(body)), out _, out var request, out var error);

        Assert.False(ok);
        Assert.Null(request);
        Assert.Contains(expected, error, StringComparison.Ordinal);
    }

    [Fact]
    public void A_review_at_every_limit_is_accepted()
    {
        var body = Review($$$"""
            {"user":"{{{new string('u', 1024)}}}","groups":[{{{Quoted(Enumerable.Range(0, 512).Select(i => "g" + i))}}}],
             "extra":{ {{{string.Join(',', Enumerable.Range(0, 64).Select(i => "\"k" + i + "\":[\"v\"]"))}}} },
             "future":{{{new string('[', 13)}}}{{{new string(']', 13)}}},
             "resourceAttributes":{"verb":"get","resource":"pods","name":"{{{new string('n', 1024)}}}"}}
            """);

        var ok = ReviewParser.TryParse(new ReadOnlySequence<byte>(Encoding.UTF8.GetBytes(body)), out _, out var request, out var error);

        Assert.True(ok, error);
        Assert.Equal(512, request!.Groups.Length);
        Assert.Equal(64, request.Extra.Count);
    }

    [Fact]
    public void Configured_limits_replace_the_defaults()
    {
        var limits = new ReviewLimits(new WebhookOptions { MaxGroups = 2, MaxStringLength = 300 });
        var body = Review("""{"user":"a","groups":["x","y","z"],"nonResourceAttributes":{"path":"/","verb":"get"}}""");

        var ok = ReviewParser.TryParse(new ReadOnlySequence<byte>(Encoding.UTF8.GetBytes(body)), limits, out _, out _, out var error);

        Assert.False(ok);
        Assert.Contains("more than the 2 accepted", error, StringComparison.Ordinal);
    }

    [Fact]
    public void A_refusal_echoes_only_a_short_printable_prefix_of_a_wrong_kind()
    {
        var body = "{\"apiVersion\":\"authorization.k8s.io/v1\",\"kind\":\"\\u202E" + new string('k', 5000) + "\",\"spec\":{\"nonResourceAttributes\":{}}}";

        var ok = ReviewParser.TryParse(new ReadOnlySequence<byte>(Encoding.UTF8.GetBytes(body)), out _, out _, out var error);

        Assert.False(ok);
        Assert.True(error.Length < 200, error);
        Assert.DoesNotContain('\u202E', error);
    }
}
