using System.Globalization;
using System.Text;
using AuthzWebhook.Policy;

namespace AuthzWebhook.Benchmarks.Engine;

/// <summary>
/// A policy of the size the issue names (100 templates), written as YAML and read by the real loader so that the engine
/// sees exactly what production builds: mostly namespaced templates over <c>*</c>, <c>team-*</c> and named namespaces,
/// every tenth one cluster-scoped, and three guardrails (one audit-only) that every request is checked against.
/// </summary>
internal static class BenchmarkPolicy
{
    public const int TemplateCount = 100;
    public const string SreGroup = "oidc:sre";
    public const string LegacyAdminGroup = "legacy-cluster-admins";

    // Rule blocks a template picks from; each is a realistic RBAC rule (core, apps, batch, config).
    private static readonly string[] RuleBlocks =
    [
        """
              - apiGroups: [""]
                resources: ["pods", "pods/log", "pods/exec", "pods/portforward", "events"]
                verbs: ["get", "list", "watch", "create"]
        """,
        """
              - apiGroups: ["apps"]
                resources: ["deployments", "deployments/scale", "replicasets", "statefulsets"]
                verbs: ["get", "list", "watch", "update", "patch"]
        """,
        """
              - apiGroups: ["batch"]
                resources: ["jobs", "cronjobs"]
                verbs: ["get", "list", "create", "delete"]
        """,
        """
              - apiGroups: [""]
                resources: ["configmaps", "services", "endpoints"]
                verbs: ["get", "list", "watch", "update"]
                resourceNames: ["app-config", "app", "app-headless"]
        """,
    ];

    public static bool IsCluster(int index) => index % 10 == 9;

    public static string TemplateName(int index) => string.Create(CultureInfo.InvariantCulture, $"t{index:D3}-{(IsCluster(index) ? "cluster" : "ns")}");

    public static AccessPolicy Load() => PolicyLoader.Parse(Yaml(), "benchmark-policy.yaml");

    public static string Yaml()
    {
        var yaml = new StringBuilder(64 * 1024).Append("apiVersion: authzwebhook/v1\ntemplates:\n");
        for (var i = 0; i < TemplateCount; i++)
        {
            var culture = CultureInfo.InvariantCulture;
            yaml.Append(culture, $"  - name: {TemplateName(i)}\n")
                .Append(culture, $"    description: Benchmark template {i}.\n");
            if (IsCluster(i))
            {
                yaml.Append("    scope: cluster\n");
            }
            else
            {
                var namespaces = (i % 3) switch
                {
                    0 => "[\"*\"]",
                    1 => "[\"team-*\"]",
                    _ => "[\"team-*\", \"shared-*\", \"payments\", \"orders\"]",
                };
                yaml.Append("    scope: namespaced\n").Append(culture, $"    namespaces: {namespaces}\n");
            }

            yaml.Append("    maxDuration: PT1H\n")
                .Append(culture, $"    eligibleGroups: [\"oidc:team-{i % 20:D2}\", \"{SreGroup}\"]\n")
                .Append("    rules:\n");
            for (var r = 0; r < 2 + (i % 2); r++)
            {
                yaml.Append(RuleBlocks[(i + r) % RuleBlocks.Length]).Append('\n');
            }

            if (IsCluster(i))
            {
                yaml.Append("      - nonResourceURLs: [\"/metrics\", \"/debug/pprof/*\"]\n        verbs: [\"get\"]\n");
            }

            yaml.Append("    approval:\n      approvals: 1\n      approverGroups: [\"oidc:leads\"]\n");
        }

        // Enforced guardrails come last so that a request that none denies is checked against all three.
        yaml.Append(CultureInfo.InvariantCulture, $$"""
            guardrails:
              - name: legacy-admin-use
                description: Legacy admin group used outside an elevation.
                mode: audit
                subjects:
                  groups: ["{{LegacyAdminGroup}}"]
                rules:
                  - apiGroups: ["*"]
                    resources: ["*"]
                    verbs: ["*"]
              - name: no-namespace-deletion
                description: Namespaces are deleted by the platform pipeline only.
                mode: enforce
                except:
                  groups: ["oidc:platform"]
                rules:
                  - apiGroups: [""]
                    resources: ["namespaces"]
                    verbs: ["delete", "deletecollection"]
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

            """);
        return yaml.ToString();
    }
}
