namespace AuthzWebhook.RbacAudit;

/// <summary>
/// Who a binding names, resolved as the RBAC authorizer matches it: a ServiceAccount subject without a namespace in a
/// RoleBinding means the binding's own namespace, and a User named <c>system:serviceaccount:NS:NAME</c> is that service
/// account, so both spellings group together.
/// </summary>
internal sealed record RbacSubject(string Kind, string Name, string Namespace)
{
    public const string User = "User";
    public const string Group = "Group";
    public const string ServiceAccount = "ServiceAccount";

    private const string ServiceAccountUserPrefix = "system:serviceaccount:";

    public static RbacSubject Resolve(string kind, string name, string? subjectNamespace, string bindingNamespace)
    {
        if (kind == User && name.StartsWith(ServiceAccountUserPrefix, StringComparison.Ordinal)
            && name[ServiceAccountUserPrefix.Length..].Split(':') is [{ Length: > 0 } ns, { Length: > 0 } sa])
        {
            return new RbacSubject(ServiceAccount, sa, ns);
        }

        return kind == ServiceAccount
            ? new RbacSubject(kind, name, string.IsNullOrEmpty(subjectNamespace) ? bindingNamespace : subjectNamespace)
            : new RbacSubject(kind, name, string.Empty);
    }

    /// <summary>The user name the API server authenticates a service account as, which is what a SubjectAccessReview carries.</summary>
    public string UserName => Kind == ServiceAccount ? $"{ServiceAccountUserPrefix}{Namespace}:{Name}" : Name;

    public override string ToString() => Kind == ServiceAccount ? $"{Kind} {Namespace}/{Name}" : $"{Kind} {Name}";
}
