namespace AuthzWebhook.EndToEndTests;

/// <summary>RBAC objects the scenarios bind people to, as manifests for <c>kubectl apply</c>.</summary>
internal static class Rbac
{
    /// <summary>A Role in <paramref name="ns"/> with <paramref name="verbs"/> on core <paramref name="resource"/>, bound to <paramref name="user"/>.</summary>
    public static string Grant(string name, string ns, string user, string resource, params string[] verbs) => $"""
        apiVersion: rbac.authorization.k8s.io/v1
        kind: Role
        metadata: {"{"}name: {name}, namespace: {ns}{"}"}
        rules:
          - apiGroups: [""]
            resources: ["{resource}"]
            verbs: [{string.Join(", ", verbs.Select(v => $"\"{v}\""))}]
        ---
        apiVersion: rbac.authorization.k8s.io/v1
        kind: RoleBinding
        metadata: {"{"}name: {name}, namespace: {ns}{"}"}
        roleRef: {"{"}apiGroup: rbac.authorization.k8s.io, kind: Role, name: {name}{"}"}
        subjects:
          - {"{"}apiGroup: rbac.authorization.k8s.io, kind: User, name: "{user}"{"}"}
        """;

    /// <summary>A ClusterRole that lets <paramref name="impersonator"/> impersonate exactly the given users and groups.</summary>
    public static string Impersonation(string name, string impersonator, string[] users, string[] groups) => $"""
        apiVersion: rbac.authorization.k8s.io/v1
        kind: ClusterRole
        metadata: {"{"}name: {name}{"}"}
        rules:
          - apiGroups: [""]
            resources: ["users"]
            verbs: ["impersonate"]
            resourceNames: [{string.Join(", ", users.Select(u => $"\"{u}\""))}]
          - apiGroups: [""]
            resources: ["groups"]
            verbs: ["impersonate"]
            resourceNames: [{string.Join(", ", groups.Select(g => $"\"{g}\""))}]
        ---
        apiVersion: rbac.authorization.k8s.io/v1
        kind: ClusterRoleBinding
        metadata: {"{"}name: {name}{"}"}
        roleRef: {"{"}apiGroup: rbac.authorization.k8s.io, kind: ClusterRole, name: {name}{"}"}
        subjects:
          - {"{"}apiGroup: rbac.authorization.k8s.io, kind: User, name: "{impersonator}"{"}"}
        """;
}
