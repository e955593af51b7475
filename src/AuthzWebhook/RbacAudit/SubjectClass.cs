namespace AuthzWebhook.RbacAudit;

/// <summary>Who holds a grant decides what to do about it; the order is the report's section order.</summary>
internal enum SubjectClass
{
    /// <summary>A User bound by name: move the access to a template.</summary>
    Person,

    /// <summary>A Group of people: move the access to a template.</summary>
    Team,

    /// <summary>A service account outside kube-system, or a group of them: give it a narrower Role.</summary>
    Workload,

    /// <summary><c>system:authenticated</c>, <c>system:unauthenticated</c> or <c>system:anonymous</c> outside the defaults.</summary>
    Everyone,

    /// <summary>Control plane, nodes, kube-system and the defaults Kubernetes and kubeadm create: leave as is.</summary>
    System,
}
