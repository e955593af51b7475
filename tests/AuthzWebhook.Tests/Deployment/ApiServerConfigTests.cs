using System.Text.RegularExpressions;
using YamlDotNet.RepresentationModel;

namespace AuthzWebhook.Tests.Deployment;

/// <summary>
/// The files the chart renders for kube-apiserver: they go onto control-plane nodes by hand, so a mistake in them
/// shows up only when an API server refuses to start or, worse, sends the control plane's own requests to the webhook.
/// </summary>
public sealed partial class ApiServerConfigTests
{
    private const string GuideValues = "ci/guide-values.yaml";

    private static Dictionary<string, string> Files(string valuesFile = GuideValues, params string[] sets)
    {
        var configMap = Chart.Single(Chart.Render(valuesFile, sets), "ConfigMap", "-apiserver-config");
        return ((YamlMappingNode)Chart.Node(configMap, "data")!).Children
            .ToDictionary(e => ((YamlScalarNode)e.Key).Value!, e => ((YamlScalarNode)e.Value).Value!);
    }

    private static YamlMappingNode Parse(string text)
    {
        var stream = new YamlStream();
        stream.Load(new StringReader(text));
        return (YamlMappingNode)Assert.Single(stream.Documents).RootNode;
    }

    private static List<YamlNode> Authorizers(string authorizationConfig) =>
        [.. ((YamlSequenceNode)Chart.Node(Parse(authorizationConfig), "authorizers")!).Children];

    [Fact]
    public void After_rbac_the_webhook_comes_last_and_is_asked_only_what_node_and_rbac_refused()
    {
        var config = Files()["authorization-config.yaml"];

        var authorizers = Authorizers(config);

        Assert.Equal(["Node", "RBAC", "Webhook"], authorizers.Select(a => Chart.Text(a, "type")));
        Assert.Equal("apiserver.config.k8s.io/v1", Chart.Text(Parse(config), "apiVersion"));
        Assert.Equal("AuthorizationConfiguration", Chart.Text(Parse(config), "kind"));
        var webhook = authorizers[2];
        Assert.Null(Chart.Node(webhook, "webhook", "matchConditions"));
        Assert.Equal("NoOpinion", Chart.Text(webhook, "webhook", "failurePolicy"));
        Assert.Equal("v1", Chart.Text(webhook, "webhook", "subjectAccessReviewVersion"));
        Assert.Equal("3s", Chart.Text(webhook, "webhook", "timeout"));
        Assert.Equal("5s", Chart.Text(webhook, "webhook", "authorizedTTL"));
        Assert.Equal("5s", Chart.Text(webhook, "webhook", "unauthorizedTTL"));
        Assert.Equal("KubeConfigFile", Chart.Text(webhook, "webhook", "connectionInfo", "type"));
        Assert.Equal("/etc/kubernetes/authz-webhook/authorize.kubeconfig", Chart.Text(webhook, "webhook", "connectionInfo", "kubeConfigFile"));
    }

    [Fact]
    public void Before_rbac_the_webhook_follows_node_and_every_system_identity_is_kept_away_from_it()
    {
        var config = Files(GuideValues, "apiServerConfig.placement=BeforeRBAC")["authorization-config.yaml"];

        var authorizers = Authorizers(config);

        Assert.Equal(["Node", "Webhook", "RBAC"], authorizers.Select(a => Chart.Text(a, "type")));
        var conditions = ((YamlSequenceNode)Chart.Node(authorizers[1], "webhook", "matchConditions")!).Children
            .Select(c => Chart.Text(c, "expression"))
            .ToList();
        Assert.Contains("!request.user.startsWith('system:')", conditions);
        Assert.Contains("!('system:masters' in request.groups)", conditions);
        Assert.Contains("!('system:nodes' in request.groups)", conditions);
        Assert.Contains("!('system:serviceaccounts' in request.groups)", conditions);
        // CEL in matchConditions reads a v1 review; the field is required once conditions are set.
        Assert.Equal("v1", Chart.Text(authorizers[1], "webhook", "matchConditionSubjectAccessReviewVersion"));
    }

    [Fact]
    public void Before_rbac_without_match_conditions_is_refused()
    {
        var error = Assert.Throws<ChartRenderException>(() =>
            Chart.TemplateWith(GuideValues, "apiServerConfig: {placement: BeforeRBAC, matchConditions: []}"));

        Assert.Contains("apiServerConfig.matchConditions is empty with placement BeforeRBAC", error.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("apiServerConfig.placement=First")]
    [InlineData("apiServerConfig.failurePolicy=Allow")]
    [InlineData("apiServerConfig.timeout=3")]
    [InlineData("apiServerConfig.server=http://10.96.0.50")]
    [InlineData("apiServerConfig.server=https://10.96.0.50/authorize")]
    [InlineData("apiServerConfig.audit.level=Everything")]
    public void Values_kube_apiserver_would_refuse_are_refused_when_rendering(string set)
    {
        Assert.Throws<ChartRenderException>(() => Chart.Template(GuideValues, set));
    }

    [Fact]
    public void The_kubeconfigs_point_at_the_fixed_cluster_ip_with_the_files_the_flags_name()
    {
        var files = Files();

        var authorize = Parse(files["authorize.kubeconfig"]);
        var audit = Parse(files["audit.kubeconfig"]);

        Assert.Equal("https://10.96.0.50:443/authorize", ServerOf(authorize));
        Assert.Equal("https://10.96.0.50:443/audit", ServerOf(audit));
        foreach (var kubeconfig in new[] { authorize, audit })
        {
            var cluster = ((YamlSequenceNode)Chart.Node(kubeconfig, "clusters")!).Children[0];
            var user = ((YamlSequenceNode)Chart.Node(kubeconfig, "users")!).Children[0];
            var context = ((YamlSequenceNode)Chart.Node(kubeconfig, "contexts")!).Children[0];
            Assert.Equal("/etc/kubernetes/authz-webhook/ca.crt", Chart.Text(cluster, "cluster", "certificate-authority"));
            Assert.Equal("/etc/kubernetes/authz-webhook/client.crt", Chart.Text(user, "user", "client-certificate"));
            Assert.Equal("/etc/kubernetes/authz-webhook/client.key", Chart.Text(user, "user", "client-key"));
            Assert.Equal(Chart.Text(context, "name"), Chart.Text(kubeconfig, "current-context"));
            Assert.Equal(Chart.Text(cluster, "name"), Chart.Text(context, "context", "cluster"));
            Assert.Equal(Chart.Text(user, "name"), Chart.Text(context, "context", "user"));
        }

        // Every file a flag names is one of the rendered keys, in the configured directory.
        var named = FlagFile().Matches(files["kube-apiserver-flags.txt"]).Select(m => m.Groups[1].Value).ToList();
        Assert.Equal(["authorization-config.yaml", "audit-policy.yaml", "audit.kubeconfig"], named);
        Assert.All(named, name => Assert.Contains(name, files.Keys));
    }

    [Fact]
    public void Without_a_cluster_ip_the_webhook_is_dialled_by_its_service_name_and_an_explicit_server_wins()
    {
        Assert.Equal(
            "https://authz-webhook.authz-system.svc:443/authorize",
            ServerOf(Parse(Files("")["authorize.kubeconfig"])));
        Assert.Equal(
            "https://authz.platform.internal:8443/authorize",
            ServerOf(Parse(Files(GuideValues, "apiServerConfig.server=https://authz.platform.internal:8443")["authorize.kubeconfig"])));
    }

    [Fact]
    public void The_audit_backend_can_be_left_out()
    {
        var files = Files(GuideValues, "apiServerConfig.audit.enabled=false");

        Assert.DoesNotContain("audit.kubeconfig", files.Keys);
        Assert.DoesNotContain("audit-policy.yaml", files.Keys);
        Assert.DoesNotContain("--audit", files["kube-apiserver-flags.txt"], StringComparison.Ordinal);
    }

    [Fact]
    public void The_audit_policy_records_the_authorization_annotations_and_no_bodies_by_default()
    {
        var policy = Parse(Files()["audit-policy.yaml"]);

        Assert.Equal("audit.k8s.io/v1", Chart.Text(policy, "apiVersion"));
        Assert.Equal("Policy", Chart.Text(policy, "kind"));
        Assert.Equal(["RequestReceived"], Chart.Strings(Chart.Node(policy, "omitStages")));
        var rules = ((YamlSequenceNode)Chart.Node(policy, "rules")!).Children;
        Assert.Equal("Metadata", Chart.Text(rules[^1], "level"));
        Assert.Null(Chart.Node(rules[^1], "users"));
    }

    private static string? ServerOf(YamlMappingNode kubeconfig) =>
        Chart.Text(((YamlSequenceNode)Chart.Node(kubeconfig, "clusters")!).Children[0], "cluster", "server");

    [GeneratedRegex(@"^--[a-z-]+=/etc/kubernetes/authz-webhook/(\S+)$", RegexOptions.Multiline)]
    private static partial Regex FlagFile();
}
