namespace AuthzWebhook.IntegrationTests.Infrastructure;

internal static class TestPolicies
{
    public const string Standard = """
        apiVersion: authzwebhook/v1
        templates:
          - name: pod-debug
            description: Debug pods in chosen namespaces.
            scope: namespaced
            namespaces: ["*"]
            maxDuration: PT1H
            eligibleGroups: ["oidc:sre"]
            rules:
              - apiGroups: [""]
                resources: ["pods", "pods/log", "pods/exec", "events"]
                verbs: ["get", "list", "watch", "create"]
            approval:
              approvals: 1
              approverGroups: ["oidc:sre-leads"]
          - name: team-admin
            description: Administer team namespaces.
            scope: namespaced
            namespaces: ["team-*"]
            maxDuration: PT2H
            eligibleGroups: ["oidc:sre", "oidc:developers"]
            rules:
              - apiGroups: ["*"]
                resources: ["*"]
                verbs: ["*"]
            approval:
              autoApprove: true
          - name: cluster-admin
            description: Everything, everywhere.
            scope: cluster
            maxDuration: PT30M
            eligibleGroups: ["oidc:sre"]
            rules:
              - apiGroups: ["*"]
                resources: ["*"]
                verbs: ["*"]
              - nonResourceURLs: ["*"]
                verbs: ["*"]
            approval:
              approvals: 2
              approverGroups: ["oidc:sre-leads"]
              requireMfa: true
        guardrails:
          - name: kube-system-secrets
            description: Secrets in kube-system are for authz-admins only.
            mode: enforce
            except:
              groups: ["oidc:authz-admins"]
            namespaces: ["kube-system"]
            rules:
              - apiGroups: [""]
                resources: ["secrets"]
                verbs: ["*"]
          - name: legacy-admin-use
            description: Legacy admin group used outside an elevation.
            mode: audit
            subjects:
              groups: ["legacy-cluster-admins"]
            rules:
              - apiGroups: ["*"]
                resources: ["*"]
                verbs: ["*"]
        """;
}
