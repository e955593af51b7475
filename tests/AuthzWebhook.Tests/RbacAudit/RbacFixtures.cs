using AuthzWebhook.RbacAudit;

namespace AuthzWebhook.Tests.RbacAudit;

/// <summary>The RBAC fixtures under tests/fixtures/rbac (see its README), read once.</summary>
internal static class RbacFixtures
{
    public const string Cluster = "kubeadm-cluster-with-company-bindings.json";
    public const string BindingsOnly = "clusterrolebindings-only.json";

    public static string PathOf(string file) => Path.Combine(AppContext.BaseDirectory, "fixtures", "rbac", file);

    public static string Text(string file) => File.ReadAllText(PathOf(file));

    public static RbacAuditReport AuditOf(string file) => RbacAuditor.Audit(RbacInputReader.Read(Text(file)));

    /// <summary>A v1 List holding <paramref name="items"/>, each a JSON object, as kubectl prints it.</summary>
    public static string List(params string[] items) => $$"""{"apiVersion":"v1","kind":"List","metadata":{"resourceVersion":""},"items":[{{string.Join(",", items)}}]}""";

    public static string ClusterRole(string name, string rules) =>
        $$"""{"apiVersion":"rbac.authorization.k8s.io/v1","kind":"ClusterRole","metadata":{"name":"{{name}}"},"rules":{{rules}}}""";

    public static string ClusterRoleBinding(string name, string role, string subjects) =>
        $$"""{"apiVersion":"rbac.authorization.k8s.io/v1","kind":"ClusterRoleBinding","metadata":{"name":"{{name}}"},"roleRef":{"apiGroup":"rbac.authorization.k8s.io","kind":"ClusterRole","name":"{{role}}"},"subjects":{{subjects}}}""";

    public static string RoleBinding(string ns, string name, string roleKind, string role, string subjects) =>
        $$"""{"apiVersion":"rbac.authorization.k8s.io/v1","kind":"RoleBinding","metadata":{"name":"{{name}}","namespace":"{{ns}}"},"roleRef":{"apiGroup":"rbac.authorization.k8s.io","kind":"{{roleKind}}","name":"{{role}}"},"subjects":{{subjects}}}""";
}
