using System.Text.Json;
using AuthzWebhook.Commands;
using AuthzWebhook.Policy;
using AuthzWebhook.RbacAudit;
using static AuthzWebhook.Tests.RbacAudit.RbacFixtures;

namespace AuthzWebhook.Tests.RbacAudit;

/// <summary>The command as a CI job runs it: files and standard input, text and JSON, exit codes 0, 1 and 2.</summary>
public sealed class RbacAuditCommandTests : IDisposable
{
    private readonly string _directory = Directory.CreateTempSubdirectory("rbac-audit-").FullName;

    public void Dispose() => Directory.Delete(_directory, recursive: true);

    private static async Task<(int Code, string Out, string Err)> RunAsync(string stdin, params string[] args)
    {
        using var output = new StringWriter();
        using var error = new StringWriter();
        var code = await RbacAuditCommand.RunAsync([RbacAuditCommand.CommandName, .. args], new StringReader(stdin), output, error);
        return (code, output.ToString(), error.ToString());
    }

    [Fact]
    public async Task A_report_with_findings_exits_1_and_groups_by_subject()
    {
        var (code, output, error) = await RunAsync(string.Empty, PathOf(Cluster));

        Assert.Equal(1, code);
        Assert.Empty(error);
        Assert.Contains("== Teams: move to templates ==", output, StringComparison.Ordinal);
        Assert.Contains("Group platform-admins  (group of people)", output, StringComparison.Ordinal);
        Assert.Contains("  ClusterRoleBinding platform-admins-cluster-admin -> ClusterRole cluster-admin, cluster-wide", output, StringComparison.Ordinal);
        Assert.Contains("== Leave as is (control plane / system) ==", output, StringComparison.Ordinal);
        Assert.Contains("== Role not in input: check these bindings ==", output, StringComparison.Ordinal);
        Assert.Contains("== Rollout ==", output, StringComparison.Ordinal);
        Assert.True(output.IndexOf("Group platform-admins", StringComparison.Ordinal) < output.IndexOf("Group system:masters", StringComparison.Ordinal));
    }

    [Fact]
    public async Task Standard_input_is_read_for_a_dash()
    {
        var (code, output, _) = await RunAsync(Text(Cluster), "-");

        Assert.Equal(1, code);
        Assert.Contains("read from (stdin)", output, StringComparison.Ordinal);
        Assert.Contains("User alice@example.com", output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Only_system_grants_exit_0()
    {
        var input = List(
            ClusterRole("cluster-admin", """[{"apiGroups":["*"],"resources":["*"],"verbs":["*"]}]"""),
            ClusterRoleBinding("cluster-admin", "cluster-admin", """[{"kind":"Group","apiGroup":"rbac.authorization.k8s.io","name":"system:masters"}]"""));

        var (code, output, _) = await RunAsync(input, "-");

        Assert.Equal(0, code);
        Assert.Contains("no standing privileged access outside the system (exit code 0)", output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Json_format_is_one_document_with_every_subject()
    {
        var (code, output, _) = await RunAsync(string.Empty, PathOf(Cluster), "--format", "json");

        Assert.Equal(1, code);
        using var json = JsonDocument.Parse(output);
        var root = json.RootElement;
        Assert.Equal(RbacAuditView.SchemaV1, root.GetProperty("schema").GetString());
        Assert.True(root.GetProperty("has_findings").GetBoolean());
        var team = root.GetProperty("subjects").EnumerateArray().Single(s => s.GetProperty("name").GetString() == "platform-admins");
        Assert.Equal("team", team.GetProperty("class").GetString());
        var grant = team.GetProperty("grants")[0];
        Assert.Equal("platform-admins-cluster-admin", grant.GetProperty("template").GetString());
        Assert.Equal("standing-platform-admins-cluster-admin", grant.GetProperty("guardrail").GetString());
        var ci = root.GetProperty("subjects").EnumerateArray().Single(s => s.GetProperty("name").GetString() == "deployer");
        Assert.Equal("system:serviceaccount:ci:deployer", ci.GetProperty("user_name").GetString());
        Assert.Equal(JsonValueKind.Null, ci.GetProperty("grants")[0].GetProperty("template").ValueKind);
    }

    [Fact]
    public async Task Policy_out_writes_a_policy_the_service_loads()
    {
        var path = Path.Combine(_directory, "suggested.yaml");

        var (code, _, error) = await RunAsync(string.Empty, PathOf(Cluster), "--policy-out", path);

        Assert.Equal(1, code);
        Assert.Contains("suggested policy written to", error, StringComparison.Ordinal);
        var policy = PolicyLoader.LoadFile(path);
        Assert.Equal(6, policy.TemplateList.Length);
        Assert.Equal(6, policy.Guardrails.Length);
    }

    [Theory]
    [InlineData("{not json", "not valid JSON")]
    [InlineData("[]", "expected a JSON object")]
    [InlineData("""{"apiVersion":"v1","kind":"PodList","items":[]}""", "kind: 'PodList' is not RBAC")]
    [InlineData("""{"apiVersion":"v1","kind":"List"}""", "(root): items: missing")]
    [InlineData("""{"apiVersion":"v1","kind":"List","items":[{"apiVersion":"v1","kind":"Pod","metadata":{"name":"p"}}]}""", "items[0]: kind: 'Pod' is not one of")]
    [InlineData("""{"apiVersion":"v1","kind":"List","items":[{"apiVersion":"rbac.authorization.k8s.io/v1beta1","kind":"Role","metadata":{"name":"r","namespace":"a"}}]}""", "apiVersion: 'rbac.authorization.k8s.io/v1beta1' is not rbac.authorization.k8s.io/v1")]
    [InlineData("""{"apiVersion":"v1","kind":"List","items":[{"apiVersion":"rbac.authorization.k8s.io/v1","kind":"ClusterRoleBinding","metadata":{"name":"b"}}]}""", "items[0] (ClusterRoleBinding b).roleRef: missing")]
    [InlineData("""{"apiVersion":"v1","kind":"List","items":[{"apiVersion":"rbac.authorization.k8s.io/v1","kind":"RoleBinding","metadata":{"name":"b"},"roleRef":{"kind":"Role","name":"r"}}]}""", "items[0] (RoleBinding b).metadata.namespace: missing")]
    [InlineData("""{"apiVersion":"v1","kind":"List","items":[{"apiVersion":"rbac.authorization.k8s.io/v1","kind":"ClusterRole","metadata":{"name":"r"},"rules":[{"apiGroups":[""],"resources":["pods"]}]}]}""", "items[0] (ClusterRole r).rules[0].verbs: missing or empty")]
    [InlineData("""{"apiVersion":"v1","kind":"List","items":[{"apiVersion":"rbac.authorization.k8s.io/v1","kind":"ClusterRole","metadata":{"name":"r"},"rules":[{"apiGroups":[""],"resources":"pods","verbs":["get"]}]}]}""", "rules[0].resources: expected an array, found a string")]
    [InlineData("""{"apiVersion":"v1","kind":"List","items":[{"apiVersion":"rbac.authorization.k8s.io/v1","kind":"ClusterRoleBinding","metadata":{"name":"b"},"roleRef":{"kind":"Role","name":"r"}}]}""", "roleRef.kind: 'Role' must be ClusterRole")]
    [InlineData("""{"apiVersion":"v1","kind":"List","items":[{"apiVersion":"rbac.authorization.k8s.io/v1","kind":"ClusterRoleBinding","metadata":{"name":"b"},"roleRef":{"kind":"ClusterRole","name":"r"},"subjects":[{"kind":"ServiceAccount","name":"ci"}]}]}""", "subjects[0].namespace: missing; a ServiceAccount subject of a ClusterRoleBinding must name its namespace")]
    [InlineData("""{"apiVersion":"v1","kind":"List","items":[{"apiVersion":"rbac.authorization.k8s.io/v1","kind":"ClusterRoleBinding","metadata":{"name":"b"},"roleRef":{"kind":"ClusterRole","name":"r"},"subjects":[{"kind":"Robot","name":"r2"}]}]}""", "subjects[0].kind: 'Robot' must be User, Group or ServiceAccount")]
    public async Task Malformed_input_exits_2_naming_the_problem(string input, string message)
    {
        var (code, output, error) = await RunAsync(input, "-");

        Assert.Equal(2, code);
        Assert.Empty(output);
        Assert.StartsWith("rbac-audit: (stdin): ", error, StringComparison.Ordinal);
        Assert.Contains(message, error, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(new string[0], "FILE is missing")]
    [InlineData(new[] { "a.json", "b.json" }, "one FILE only")]
    [InlineData(new[] { "a.json", "--format", "yaml" }, "--format needs text or json")]
    [InlineData(new[] { "a.json", "--policy-out" }, "--policy-out needs a file name")]
    [InlineData(new[] { "a.json", "--verbose" }, "unknown option --verbose")]
    public async Task Usage_errors_exit_2_with_the_usage(string[] args, string message)
    {
        var (code, _, error) = await RunAsync(string.Empty, args);

        Assert.Equal(2, code);
        Assert.Contains(message, error, StringComparison.Ordinal);
        Assert.Contains("usage: rbac-audit FILE", error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_missing_file_exits_2()
    {
        var (code, _, error) = await RunAsync(string.Empty, Path.Combine(_directory, "absent.json"));

        Assert.Equal(2, code);
        Assert.Contains("cannot read", error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_single_kind_list_is_accepted()
    {
        var (code, output, _) = await RunAsync(string.Empty, PathOf(BindingsOnly));

        Assert.Equal(1, code);
        Assert.Contains("ClusterRole cluster-admin (not in input: the built-in definition)", output, StringComparison.Ordinal);
        Assert.Contains("ClusterRoleBinding developers-view -> ClusterRole view, cluster-wide", output, StringComparison.Ordinal);
    }
}
