using YamlDotNet.RepresentationModel;

namespace AuthzWebhook.Tests.Deployment;

/// <summary>Network exposure, certificates and pod security as the chart renders them.</summary>
public sealed class ChartSecurityTests
{
    private const string Full = "ci/full-values.yaml";

    private static List<YamlNode> Items(YamlNode node, params string[] path) =>
        Chart.Node(node, path) is YamlSequenceNode sequence ? [.. sequence.Children] : [];

    [Fact]
    public void The_network_policy_denies_both_directions_and_opens_each_port_only_to_its_callers()
    {
        var policy = Chart.Single(Chart.Render(Full), "NetworkPolicy");

        Assert.Equal(["Ingress", "Egress"], Chart.Strings(Chart.Node(policy, "spec", "policyTypes")));
        Assert.Equal("webhook", Chart.Text(policy, "spec", "podSelector", "matchLabels", "app.kubernetes.io/component"));
        var ingress = Items(policy, "spec", "ingress");
        var byPort = ingress.ToDictionary(
            rule => Chart.Text(Assert.Single(Items(rule, "ports")), "port")!,
            rule => Assert.Single(Items(rule, "from")));
        Assert.Equal(["webhook", "api", "management"], byPort.Keys);
        Assert.Equal("10.0.0.0/24", Chart.Text(byPort["webhook"], "ipBlock", "cidr"));
        Assert.Equal("ingress-nginx", Chart.Text(byPort["api"], "namespaceSelector", "matchLabels", "kubernetes.io/metadata.name"));
        Assert.Equal("observability", Chart.Text(byPort["management"], "namespaceSelector", "matchLabels", "kubernetes.io/metadata.name"));
        // Egress: DNS to kube-dns only, then the configured destinations; no rule without ports.
        var egress = Items(policy, "spec", "egress");
        Assert.Equal(["53", "53"], Items(egress[0], "ports").Select(p => Chart.Text(p, "port")));
        Assert.All(egress, rule => Assert.NotEmpty(Items(rule, "ports")));
    }

    [Fact]
    public void The_default_network_policy_allows_only_the_ports_the_service_dials()
    {
        var policy = Chart.Single(
            Chart.Objects(Chart.TemplateWith("", "networkPolicy: {enabled: true, webhookFrom: [{ipBlock: {cidr: 10.0.0.0/24}}], apiFrom: [{ipBlock: {cidr: 10.1.0.0/16}}]}")),
            "NetworkPolicy");

        var ports = Items(policy, "spec", "egress").SelectMany(rule => Items(rule, "ports")).Select(p => Chart.Text(p, "port")).ToList();

        Assert.Equal(["53", "53", "5432", "6379", "443", "4317", "4318"], ports);
        var metrics = Assert.Single(Items(Items(policy, "spec", "ingress")[2], "from"));
        Assert.Equal("monitoring", Chart.Text(metrics, "namespaceSelector", "matchLabels", "kubernetes.io/metadata.name"));
    }

    [Theory]
    [InlineData("networkPolicy: {enabled: true, apiFrom: [{ipBlock: {cidr: 10.1.0.0/16}}]}", "networkPolicy.webhookFrom is empty")]
    [InlineData("networkPolicy: {enabled: true, webhookFrom: [{ipBlock: {cidr: 10.0.0.0/24}}]}", "networkPolicy.apiFrom is empty")]
    public void An_enabled_network_policy_without_callers_is_refused_rather_than_closing_a_port(string values, string message)
    {
        var error = Assert.Throws<ChartRenderException>(() => Chart.TemplateWith("", values));

        Assert.Contains(message, error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void No_network_policy_or_certificate_is_rendered_by_default()
    {
        var kinds = Chart.Render("").Select(o => Chart.Text(o, "kind")).ToList();

        Assert.DoesNotContain("NetworkPolicy", kinds);
        Assert.DoesNotContain("Certificate", kinds);
        Assert.DoesNotContain("ServiceMonitor", kinds);
    }

    [Fact]
    public void With_cert_manager_the_webhook_trusts_only_the_client_certificate_the_chart_issues()
    {
        var objects = Chart.Objects(Chart.TemplateWith("ci/guide-values.yaml",
            "webhook: {allowedClientNames: []}\ncertManager: {enabled: true, issuerRef: {name: platform-ca, kind: ClusterIssuer}}"));

        var client = Chart.Single(objects, "Certificate", "-apiserver-client");
        Assert.Equal(["client auth", "digital signature"], Chart.Strings(Chart.Node(client, "spec", "usages")));
        var clientSecret = Chart.Text(client, "spec", "secretName");
        var serving = Chart.Single(objects, "Certificate", "-webhook");
        Assert.Contains("10.96.0.50", Chart.Strings(Chart.Node(serving, "spec", "ipAddresses")));
        Assert.Contains("authz-webhook.authz-system.svc", Chart.Strings(Chart.Node(serving, "spec", "dnsNames")));
        // The REST API shares the serving certificate, so its Service name is on it too.
        Assert.Contains("authz-webhook-api.authz-system.svc", Chart.Strings(Chart.Node(serving, "spec", "dnsNames")));

        var deployment = Chart.Single(objects, "Deployment");
        var env = Items(deployment, "spec", "template", "spec", "containers").SelectMany(c => Items(c, "env"))
            .ToDictionary(e => Chart.Text(e, "name")!, e => Chart.Text(e, "value"));
        Assert.Equal("kube-apiserver-authz-webhook-client", env["AuthzWebhook__Webhook__AllowedClientNames__0"]);
        Assert.DoesNotContain("AuthzWebhook__Webhook__AllowedClientNames__1", env.Keys);
        var sources = Items(deployment, "spec", "template", "spec", "volumes")
            .SelectMany(v => Items(v, "projected", "sources"))
            .Where(s => Items(s, "secret", "items").Any(i => Chart.Text(i, "path") == "client-ca/ca.crt"));
        Assert.Equal(clientSecret, Chart.Text(Assert.Single(sources), "secret", "name"));
    }

    [Fact]
    public void The_pods_meet_the_restricted_pod_security_standard()
    {
        foreach (var values in new[] { "", Full })
        {
            var deployment = Chart.Single(Chart.Render(values), "Deployment");
            var pod = Chart.Node(deployment, "spec", "template", "spec")!;
            var container = Assert.Single(Items(pod, "containers"));

            Assert.Equal("true", Chart.Text(pod, "securityContext", "runAsNonRoot"));
            Assert.Equal("RuntimeDefault", Chart.Text(pod, "securityContext", "seccompProfile", "type"));
            Assert.Equal("false", Chart.Text(pod, "automountServiceAccountToken"));
            Assert.Equal("false", Chart.Text(container, "securityContext", "allowPrivilegeEscalation"));
            Assert.Equal("true", Chart.Text(container, "securityContext", "readOnlyRootFilesystem"));
            Assert.Equal(["ALL"], Chart.Strings(Chart.Node(container, "securityContext", "capabilities", "drop")));
            Assert.All(Items(pod, "volumes"), v => Assert.Null(Chart.Node(v, "hostPath")));
            Assert.Equal("/readyz", Chart.Text(container, "readinessProbe", "httpGet", "path"));
            Assert.Equal("management", Chart.Text(container, "readinessProbe", "httpGet", "port"));
        }
    }

    [Fact]
    public void Entra_id_without_an_issuer_url_is_refused_and_with_one_only_that_issuer_is_configured()
    {
        var error = Assert.Throws<ChartRenderException>(() => Chart.TemplateWith("ci/entra-values.yaml", "identity: {issuerUrl: \"\"}"));
        var deployment = Chart.Single(Chart.Render("ci/entra-values.yaml"), "Deployment");
        var env = Items(deployment, "spec", "template", "spec", "containers").SelectMany(c => Items(c, "env"))
            .ToDictionary(e => Chart.Text(e, "name")!, e => Chart.Text(e, "value"));

        Assert.Contains("identity.issuerUrl is required with oidc.instance", error.Message, StringComparison.Ordinal);
        Assert.Equal("https://login.microsoftonline.com/00000000-0000-0000-0000-000000000001/v2.0", env["AuthzWebhook__Identity__IssuerUrl"]);
    }

    [Theory]
    [InlineData("extraEnv: [{name: ASPNETCORE_ENVIRONMENT, value: Development}]", "the Development environment enables the development token issuer")]
    [InlineData("extraEnv: [{name: DOTNET_ENVIRONMENT, valueFrom: {configMapKeyRef: {name: env, key: name}}}]", "must be a literal value")]
    [InlineData("extraEnv: [{name: AuthzWebhook__DevelopmentIssuer__Enabled, valueFrom: {secretKeyRef: {name: s, key: k}}}]", "never configures the development token issuer")]
    [InlineData("extraEnv: [{name: \"AuthzWebhook:DevelopmentIssuer:Enabled\", value: \"true\"}]", "never configures the development token issuer")]
    public void Extra_environment_cannot_enable_the_development_issuer_by_value_or_by_reference(string values, string message)
    {
        var error = Assert.Throws<ChartRenderException>(() => Chart.TemplateWith("", values));

        Assert.Contains(message, error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Other_extra_environment_is_passed_by_value_or_by_reference()
    {
        var rendered = Chart.TemplateWith("", "extraEnv: [{name: ASPNETCORE_ENVIRONMENT, value: Staging}, {name: OTEL_EXPORTER_OTLP_HEADERS, valueFrom: {secretKeyRef: {name: otel, key: headers}}}]");

        Assert.Contains("OTEL_EXPORTER_OTLP_HEADERS", rendered, StringComparison.Ordinal);
        Assert.Contains("Staging", rendered, StringComparison.Ordinal);
    }
}
