namespace AuthzWebhook.Policy;

/// <summary>
/// An explicit deny. It applies to requests matching one of its rules, in one of its namespaces (none listed: any),
/// made by one of its subjects (none listed: everyone), unless the requester is excepted.
/// Guardrails win over any elevation window.
/// </summary>
internal sealed record Guardrail(
    string Name,
    string Description,
    GuardrailMode Mode,
    SubjectSelector Subjects,
    SubjectSelector Except,
    NamespacePattern[] Namespaces,
    PolicyRule[] Rules)
{
    public bool AppliesToSubject(string user, ReadOnlySpan<string> groups) =>
        (Subjects.IsEmpty || Subjects.Matches(user, groups)) && !Except.Matches(user, groups);

    public bool AppliesToNamespace(string ns)
    {
        if (Namespaces.Length == 0)
        {
            return true;
        }

        foreach (var pattern in Namespaces)
        {
            if (pattern.Matches(ns))
            {
                return true;
            }
        }

        return false;
    }
}
