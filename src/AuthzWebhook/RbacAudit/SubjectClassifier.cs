namespace AuthzWebhook.RbacAudit;

/// <summary>
/// Sorts holders of a privileged grant into people, teams, workloads, everyone and the system, with the reason shown in
/// the report. The names are Kubernetes' reserved identities (<c>system:</c> users and groups, kube-system service
/// accounts) and kubeadm's; a binding cannot make a person out of them, nor a system identity out of a person.
/// </summary>
internal static class SubjectClassifier
{
    public const string KubeSystem = "kube-system";
    private const string ServiceAccountsGroup = "system:serviceaccounts";

    public static (SubjectClass Class, string Reason) Classify(RbacSubject subject, RbacBinding binding)
    {
        switch (subject.Kind)
        {
            case RbacSubject.ServiceAccount:
                return subject.Namespace == KubeSystem
                    ? (SubjectClass.System, "service account in kube-system: control-plane add-on")
                    : (SubjectClass.Workload, "service account: a workload's identity");

            case RbacSubject.User when subject.Name == "system:anonymous":
                return Everyone(binding, "every unauthenticated request");

            case RbacSubject.User when subject.Name.StartsWith("system:", StringComparison.Ordinal):
                return (SubjectClass.System, "Kubernetes component identity (system: user)");

            case RbacSubject.User:
                return (SubjectClass.Person, "user bound by name");
        }

        return subject.Name switch
        {
            "system:masters" => (SubjectClass.System, "the API server's super-user group: authorized before any authorizer runs, so no binding (and no webhook) changes what it may do"),
            "system:authenticated" => Everyone(binding, "every authenticated user and service account"),
            "system:unauthenticated" => Everyone(binding, "every unauthenticated request"),
            ServiceAccountsGroup => (SubjectClass.Workload, "every service account in the cluster"),
            ServiceAccountsGroup + ":" + KubeSystem => (SubjectClass.System, "every service account in kube-system: control-plane add-ons"),
            var name when name.StartsWith(ServiceAccountsGroup + ":", StringComparison.Ordinal) =>
                (SubjectClass.Workload, $"every service account in namespace {name[(ServiceAccountsGroup.Length + 1)..]}"),
            "kubeadm:cluster-admins" => (SubjectClass.System, "kubeadm's admin.conf group (kubeadm 1.29 and later): keep it as the offline credential of last resort"),
            var name when name.StartsWith("system:", StringComparison.Ordinal) => (SubjectClass.System, "reserved Kubernetes group (nodes, bootstrap tokens, components)"),
            _ => (SubjectClass.Team, "group of people"),
        };
    }

    /// <summary>Kubernetes' own defaults give everyone discovery and public info; anything more for everyone is a hole.</summary>
    private static (SubjectClass, string) Everyone(RbacBinding binding, string who) =>
        binding.IsBootstrapDefault
            ? (SubjectClass.System, $"{who}, in a Kubernetes default binding")
            : (SubjectClass.Everyone, who);
}
