using AuthzWebhook.RbacAudit;
using static AuthzWebhook.Tests.RbacAudit.RbacFixtures;

namespace AuthzWebhook.Tests.RbacAudit;

/// <summary>What rbac-audit finds in a kubeadm cluster's default RBAC with a company's bindings on top, and why.</summary>
public sealed class RbacAuditorTests
{
    private static readonly RbacAuditReport Report = AuditOf(Cluster);

    private static RbacGrant Single(string subject, string binding) =>
        Assert.Single(Report.Grants, g => g.Subject.ToString() == subject && g.Binding.Name == binding);

    [Theory]
    [InlineData("Group platform-admins", "platform-admins-cluster-admin", "Team", "cluster-wide")]
    [InlineData("User alice@example.com", "alice-cluster-admin", "Person", "cluster-wide")]
    [InlineData("Group payments-team", "payments-admins", "Team", "namespace payments")]
    [InlineData("Group checkout-team", "checkout-team-deployer", "Team", "namespace checkout")]
    [InlineData("Group security-team", "security-rbac-manager", "Team", "cluster-wide")]
    [InlineData("Group security-team", "security-secret-auditor", "Team", "cluster-wide")]
    [InlineData("ServiceAccount ci/deployer", "ci-deployer-cluster-admin", "Workload", "cluster-wide")]
    [InlineData("ServiceAccount argocd/argocd-application-controller", "argocd-application-controller", "Workload", "cluster-wide")]
    public void Each_standing_privileged_subject_is_found_with_its_scope(string subject, string binding, string expected, string scope)
    {
        var grant = Report.Grants.First(g => g.Subject.ToString() == subject && g.Binding.Name == binding);

        Assert.Equal(expected, grant.Class.ToString());
        Assert.Equal(scope, grant.Scope);
        Assert.True(grant.NeedsAction);
        Assert.NotEmpty(grant.Reasons);
    }

    [Fact]
    public void A_RoleBinding_of_ClusterRole_admin_is_namespaced_and_flagged_for_impersonating_service_accounts()
    {
        var grants = Report.Grants.Where(g => g.Subject.Name == "payments-team").ToList();

        Assert.Equal(["payments", "payments-jobs"], grants.Select(g => g.Binding.Namespace).Order());
        Assert.All(grants, g => Assert.Contains(g.Reasons, r => r.StartsWith("escalating verb impersonate", StringComparison.Ordinal)));
    }

    [Fact]
    public void A_team_Role_with_all_resources_is_a_wildcard()
    {
        var grant = Single("Group checkout-team", "checkout-team-deployer");

        Assert.Equal("Role checkout/checkout-deployer", grant.RoleText);
        Assert.Contains(grant.Reasons, r => r.StartsWith("wildcard in resources:", StringComparison.Ordinal));
    }

    [Fact]
    public void A_ServiceAccount_subject_without_namespace_in_a_RoleBinding_is_the_one_in_the_binding_namespace()
    {
        var grant = Single("ServiceAccount checkout/builder", "checkout-ci");

        Assert.Equal(SubjectClass.Workload, grant.Class);
        Assert.Equal("system:serviceaccount:checkout:builder", grant.Subject.UserName);
    }

    [Theory]
    [InlineData("Group system:masters", "cluster-admin")]
    [InlineData("Group kubeadm:cluster-admins", "kubeadm:cluster-admins")]
    [InlineData("User system:kube-controller-manager", "system:kube-controller-manager")]
    [InlineData("ServiceAccount kube-system/namespace-controller", "system:controller:namespace-controller")]
    [InlineData("ServiceAccount kube-system/generic-garbage-collector", "system:controller:generic-garbage-collector")]
    [InlineData("ServiceAccount kube-system/clusterrole-aggregation-controller", "system:controller:clusterrole-aggregation-controller")]
    [InlineData("Group system:authenticated", "system:discovery")]
    [InlineData("Group system:monitoring", "system:monitoring")]
    public void System_identities_are_left_as_is_with_a_reason(string subject, string binding)
    {
        var grant = Single(subject, binding);

        Assert.Equal(SubjectClass.System, grant.Class);
        Assert.False(grant.NeedsAction);
        Assert.False(string.IsNullOrWhiteSpace(grant.ClassReason));
    }

    [Fact]
    public void Bindings_to_harmless_roles_are_not_reported()
    {
        string[] harmless = ["developers-view", "system:basic-user", "system:public-info-viewer", "system:service-account-issuer-discovery", "kubeadm:get-nodes", "system:coredns", "kubeadm:bootstrap-signer-clusterinfo"];

        Assert.DoesNotContain(Report.Grants, g => harmless.Contains(g.Binding.Name));
    }

    [Fact]
    public void A_binding_whose_role_is_not_in_the_input_is_reported_as_such()
    {
        var grant = Single("Group ops", "legacy-ops");

        Assert.True(grant.RoleMissing);
        Assert.True(grant.NeedsAction);
        Assert.Contains("not in the input", grant.Reasons[0], StringComparison.Ordinal);
        Assert.True(Report.HasFindings);
    }

    [Fact]
    public void Bindings_alone_still_judge_cluster_admin_by_its_built_in_definition()
    {
        var report = AuditOf(BindingsOnly);

        var grant = Assert.Single(report.Grants, g => g.Subject.Name == "platform-admins");
        Assert.True(grant.RoleAssumed);
        Assert.Contains(report.Grants, g => g.Subject.Name == "developers" && g.RoleMissing);
        Assert.Equal(SubjectClass.System, Assert.Single(report.Grants, g => g.Subject.Name == "system:masters").Class);
    }

    [Theory]
    [InlineData("""[{"apiGroups":["apps"],"resources":["*/scale"],"verbs":["update"]}]""", true)]
    [InlineData("""[{"apiGroups":[""],"resources":["pods/*"],"verbs":["get"]}]""", false)]
    [InlineData("""[{"apiGroups":["*"],"resources":["pods"],"verbs":["get"]}]""", true)]
    [InlineData("""[{"nonResourceURLs":["/logs/*"],"verbs":["get"]}]""", true)]
    [InlineData("""[{"nonResourceURLs":["/logs"],"verbs":["get"]}]""", false)]
    [InlineData("""[{"apiGroups":[""],"resources":["users","groups"],"verbs":["impersonate"]}]""", true)]
    [InlineData("""[{"apiGroups":[""],"resources":["secrets"],"verbs":["list"]}]""", true)]
    [InlineData("""[{"apiGroups":[""],"resources":["secrets"],"verbs":["get"],"resourceNames":["ca"]}]""", false)]
    [InlineData("""[{"apiGroups":[""],"resources":["configmaps"],"verbs":["get","list","watch"]}]""", false)]
    public void Wildcards_follow_Kubernetes_matching(string rules, bool dangerous)
    {
        var report = RbacAuditor.Audit(RbacInputReader.Read(List(
            ClusterRole("r", rules),
            ClusterRoleBinding("b", "r", """[{"kind":"Group","apiGroup":"rbac.authorization.k8s.io","name":"team"}]"""))));

        Assert.Equal(dangerous, report.Grants.Count == 1);
    }

    [Fact]
    public void Non_resource_URLs_of_a_ClusterRole_grant_nothing_through_a_RoleBinding()
    {
        var role = ClusterRole("metrics", """[{"nonResourceURLs":["*"],"verbs":["*"]},{"apiGroups":[""],"resources":["pods"],"verbs":["get"]}]""");
        var inNamespace = RoleBinding("team-a", "b", "ClusterRole", "metrics", """[{"kind":"Group","apiGroup":"rbac.authorization.k8s.io","name":"team"}]""");
        var clusterWide = ClusterRoleBinding("b", "metrics", """[{"kind":"Group","apiGroup":"rbac.authorization.k8s.io","name":"team"}]""");

        Assert.Empty(RbacAuditor.Audit(RbacInputReader.Read(List(role, inNamespace))).Grants);
        Assert.Single(RbacAuditor.Audit(RbacInputReader.Read(List(role, clusterWide))).Grants);
    }

    [Theory]
    [InlineData("system:authenticated", "Everyone")]
    [InlineData("system:serviceaccounts", "Workload")]
    [InlineData("system:serviceaccounts:ci", "Workload")]
    [InlineData("system:serviceaccounts:kube-system", "System")]
    [InlineData("system:nodes", "System")]
    public void Groups_Kubernetes_fills_in_are_classified_by_who_they_hold(string group, string expected)
    {
        var report = RbacAuditor.Audit(RbacInputReader.Read(List(
            ClusterRole("cluster-admin", """[{"apiGroups":["*"],"resources":["*"],"verbs":["*"]}]"""),
            ClusterRoleBinding("b", "cluster-admin", $$"""[{"kind":"Group","apiGroup":"rbac.authorization.k8s.io","name":"{{group}}"}]"""))));

        Assert.Equal(expected, Assert.Single(report.Grants).Class.ToString());
    }

    [Fact]
    public void A_service_account_bound_by_its_user_name_is_that_service_account()
    {
        var report = RbacAuditor.Audit(RbacInputReader.Read(List(
            ClusterRole("cluster-admin", """[{"apiGroups":["*"],"resources":["*"],"verbs":["*"]}]"""),
            ClusterRoleBinding("b", "cluster-admin", """[{"kind":"User","apiGroup":"rbac.authorization.k8s.io","name":"system:serviceaccount:kube-system:kube-proxy"}]"""))));

        var grant = Assert.Single(report.Grants);
        Assert.Equal("ServiceAccount kube-system/kube-proxy", grant.Subject.ToString());
        Assert.Equal(SubjectClass.System, grant.Class);
    }
}
