using AuthzWebhook.Decisions;
using AuthzWebhook.Policy;
using YamlDotNet.RepresentationModel;

namespace AuthzWebhook.Tests.Deployment;

/// <summary>
/// The baseline path: read-only debugging without an elevation. What it grants is checked with the same RBAC rule
/// semantics the webhook decides with, so "no secrets, no exec" is proven on the rendered rules, not on their text.
/// </summary>
public sealed class BaselineRoleTests
{
    private static List<YamlMappingNode> Baseline(params string[] sets) =>
        [.. Chart.Render("ci/guide-values.yaml", sets).Where(o => Chart.Text(o, "metadata", "labels", "app.kubernetes.io/component") == "baseline")];

    private static bool Grants(YamlMappingNode role, string verb, string group, string resource, string subresource)
    {
        var rules = ((YamlSequenceNode)Chart.Node(role, "rules")!).Children
            .Select(r => new PolicyRule(
                [.. Chart.Strings(Chart.Node(r, "apiGroups"))],
                [.. Chart.Strings(Chart.Node(r, "resources"))],
                [.. Chart.Strings(Chart.Node(r, "verbs"))],
                [.. Chart.Strings(Chart.Node(r, "resourceNames"))],
                [.. Chart.Strings(Chart.Node(r, "nonResourceURLs"))]))
            .ToArray();
        var request = new ReviewRequest
        {
            User = "oidc:dev@example.com",
            IsResourceRequest = true,
            Verb = verb,
            ApiGroup = group,
            Resource = resource,
            Subresource = subresource,
            Namespace = "payments",
            Name = verb is "list" or "watch" ? "" : "api-7d9f",
        };
        return RbacRuleMatcher.AnyAllows(request, rules);
    }

    [Fact]
    public void Each_namespace_gets_a_read_only_role_bound_to_the_configured_groups()
    {
        var objects = Baseline();

        var roles = objects.Where(o => Chart.Text(o, "kind") == "Role").ToList();
        var bindings = objects.Where(o => Chart.Text(o, "kind") == "RoleBinding").ToList();
        Assert.Equal(["checkout", "payments"], roles.Select(r => Chart.Text(r, "metadata", "namespace")).Order());
        Assert.Equal(["checkout", "payments"], bindings.Select(r => Chart.Text(r, "metadata", "namespace")).Order());
        foreach (var binding in bindings)
        {
            Assert.Equal("Role", Chart.Text(binding, "roleRef", "kind"));
            Assert.Equal("authz-baseline-read", Chart.Text(binding, "roleRef", "name"));
            var subject = Assert.Single(((YamlSequenceNode)Chart.Node(binding, "subjects")!).Children);
            Assert.Equal("Group", Chart.Text(subject, "kind"));
            Assert.Equal("oidc:developers", Chart.Text(subject, "name"));
        }
    }

    [Theory]
    [InlineData("get", "", "pods", "")]
    [InlineData("list", "", "pods", "")]
    [InlineData("watch", "", "pods", "")]
    [InlineData("get", "", "pods", "log")]
    [InlineData("list", "", "events", "")]
    [InlineData("watch", "events.k8s.io", "events", "")]
    public void Routine_debugging_needs_no_elevation(string verb, string group, string resource, string subresource)
    {
        var role = Baseline().First(o => Chart.Text(o, "kind") == "Role");

        Assert.True(Grants(role, verb, group, resource, subresource));
    }

    [Theory]
    [InlineData("get", "", "secrets", "")]
    [InlineData("list", "", "secrets", "")]
    [InlineData("create", "", "pods", "exec")]
    [InlineData("get", "", "pods", "exec")]
    [InlineData("create", "", "pods", "attach")]
    [InlineData("create", "", "pods", "portforward")]
    [InlineData("delete", "", "pods", "")]
    [InlineData("patch", "", "pods", "")]
    [InlineData("create", "", "pods", "")]
    [InlineData("get", "", "configmaps", "")]
    [InlineData("get", "", "pods", "ephemeralcontainers")]
    [InlineData("update", "", "pods", "ephemeralcontainers")]
    public void Secrets_exec_and_every_change_stay_behind_an_elevation(string verb, string group, string resource, string subresource)
    {
        var role = Baseline().First(o => Chart.Text(o, "kind") == "Role");

        Assert.False(Grants(role, verb, group, resource, subresource));
    }

    [Fact]
    public void Nothing_is_rendered_without_namespaces_and_groups_and_one_without_the_other_is_refused()
    {
        Assert.DoesNotContain(Chart.Render(""), o => Chart.Text(o, "kind") is "Role" or "RoleBinding");

        var error = Assert.Throws<ChartRenderException>(() => Chart.TemplateWith("", "baseline: {namespaces: [payments]}"));
        Assert.Contains("baseline.namespaces and baseline.groups go together", error.Message, StringComparison.Ordinal);
    }
}
