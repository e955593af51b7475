using AuthzWebhook.Decisions;
using AuthzWebhook.Policy;

namespace AuthzWebhook.Tests.Decisions;

/// <summary>The command line people copy to ask for a template: the namespace only for namespaced templates, half an hour or the maximum.</summary>
public sealed class RequestCommandTests
{
    [Theory]
    [InlineData(45, "45s")]
    [InlineData(30 * 60, "30m")]
    [InlineData(2 * 3600, "2h")]
    [InlineData(5400, "1h30m")]
    [InlineData(3661, "1h1m1s")]
    [InlineData(0, "0s")]
    public void Durations_are_written_as_the_cli_takes_them(int seconds, string expected)
    {
        Assert.Equal(expected, RequestCommand.Short(TimeSpan.FromSeconds(seconds)));
    }

    [Fact]
    public void A_namespaced_template_names_the_namespace_and_a_shorter_maximum_is_suggested()
    {
        var template = Template(TemplateScope.Namespaced, TimeSpan.FromMinutes(15));

        Assert.Equal("kubectl elevate request pod-debug -n payments --for 15m --reason \"<why>\"", RequestCommand.For(template, "payments"));
    }

    [Fact]
    public void A_cluster_template_names_no_namespace()
    {
        Assert.Equal("kubectl elevate request pod-debug --for 30m --reason \"<why>\"", RequestCommand.For(Template(TemplateScope.Cluster, TimeSpan.FromHours(2)), "payments"));
    }

    private static AccessTemplate Template(TemplateScope scope, TimeSpan max) =>
        new("pod-debug", "Debug pods.", scope, [], max, ["oidc:sre"], [], new ApprovalRule(1, ["oidc:leads"], false, false, null, true));
}
