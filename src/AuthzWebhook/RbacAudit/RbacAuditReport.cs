namespace AuthzWebhook.RbacAudit;

/// <summary>Every privileged grant found, and how the report groups them: by section, then by subject.</summary>
internal sealed record RbacAuditReport(int RolesRead, int BindingsRead, IReadOnlyList<RbacGrant> Grants)
{
    /// <summary>True when a grant needs someone to act: the command's exit code 1, so that CI can refuse new standing access.</summary>
    public bool HasFindings => Grants.Any(g => g.NeedsAction);

    public IEnumerable<RbacGrant> Missing => Grants.Where(g => g.RoleMissing);

    /// <summary>Subjects of one section in a stable order; grants of a missing role are only in <see cref="Missing"/>.</summary>
    public IEnumerable<IGrouping<RbacSubject, RbacGrant>> Section(SubjectClass section) => Grants
        .Where(g => g.Class == section && !g.RoleMissing)
        .GroupBy(g => g.Subject)
        .OrderBy(g => g.Key.Kind, StringComparer.Ordinal)
        .ThenBy(g => g.Key.Namespace, StringComparer.Ordinal)
        .ThenBy(g => g.Key.Name, StringComparer.Ordinal);

    public int Count(SubjectClass section) => Grants.Count(g => g.Class == section && !g.RoleMissing);
}
