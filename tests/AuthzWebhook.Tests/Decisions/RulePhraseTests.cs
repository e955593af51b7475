using AuthzWebhook.Explain;
using AuthzWebhook.Policy;

namespace AuthzWebhook.Tests.Decisions;

/// <summary>Rules in plain words, as kubectl names resources: core ones bare, others as resource.group.</summary>
public sealed class RulePhraseTests
{
    [Theory]
    [InlineData(new[] { "" }, new[] { "pods", "pods/log" }, new[] { "get", "list" }, new string[0], new string[0], "get, list pods, pods/log")]
    [InlineData(new[] { "apps" }, new[] { "deployments" }, new[] { "delete" }, new[] { "web" }, new string[0], "delete deployments.apps named web")]
    [InlineData(new[] { "", "apps" }, new[] { "*" }, new[] { "*" }, new string[0], new string[0], "* *, *.apps")]
    [InlineData(new string[0], new string[0], new[] { "get" }, new string[0], new[] { "/metrics", "/healthz" }, "get /metrics, /healthz")]
    public void A_rule_reads_as_verbs_and_what_they_act_on(string[] groups, string[] resources, string[] verbs, string[] names, string[] urls, string expected)
    {
        Assert.Equal(expected, RulePhrase.Of(new PolicyRule(groups, resources, verbs, names, urls)));
    }
}
