using AuthzWebhook.Policy;

namespace AuthzWebhook.Tests.Policy;

/// <summary>
/// Namespace patterns decide where a template may be granted, so a pattern must never reach further than it reads:
/// exact names stay exact, <c>prefix-*</c> is a plain prefix, and nothing matches the empty namespace of cluster-scoped
/// requests.
/// </summary>
public sealed class NamespacePatternTests
{
    [Theory]
    [InlineData("payments", "payments", true)]
    [InlineData("payments", "payments-2", false)]
    [InlineData("payments", "pay", false)]
    [InlineData("payments", "", false)]
    [InlineData("team-*", "team-a", true)]
    [InlineData("team-*", "team-payments-eu", true)]
    [InlineData("team-*", "team", false)]
    [InlineData("team-*", "teamx", false)]
    [InlineData("team-*", "other-team-a", false)]
    [InlineData("team-*", "", false)]
    [InlineData("*", "kube-system", true)]
    [InlineData("*", "payments", true)]
    [InlineData("*", "", false)]
    public void Pattern_matches_only_the_namespaces_it_names(string pattern, string ns, bool expected)
    {
        Assert.True(NamespacePattern.TryParse(pattern, out var parsed, out var error), error);

        Assert.Equal(expected, parsed.Matches(ns));
        Assert.Equal(pattern, parsed.Text);
    }

    [Theory]
    [InlineData("Team_*")]
    [InlineData("Payments")]
    [InlineData("a*b")]
    [InlineData("*-team")]
    [InlineData("**")]
    [InlineData("-team")]
    [InlineData("team-")]
    [InlineData("team.a")]
    [InlineData("")]
    public void Invalid_pattern_is_refused_with_a_reason_that_quotes_it(string pattern)
    {
        Assert.False(NamespacePattern.TryParse(pattern, out _, out var error));

        Assert.NotNull(error);
        Assert.Contains($"'{pattern}'", error, StringComparison.Ordinal);
    }

    [Fact]
    public void Names_longer_than_a_DNS_label_are_refused()
    {
        var longest = new string('a', KubernetesNames.MaxLabelLength);

        Assert.True(NamespacePattern.TryParse(longest, out _, out _));
        Assert.False(NamespacePattern.TryParse(longest + "a", out _, out _));
    }
}
