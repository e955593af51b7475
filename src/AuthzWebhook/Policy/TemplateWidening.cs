namespace AuthzWebhook.Policy;

/// <summary>
/// Which templates a policy change may widen. The engine applies the rules and guardrails in force to every window, so
/// a template that grants more after a reload grants more to its active elevations at once, without a new approval.
/// Judged conservatively: a template may widen unless every rule, namespace pattern and its scope were already there;
/// one that was not in the previous policy may widen (windows of a removed template stay, granting nothing, until it
/// comes back); and when an enforced guardrail was removed or changed, every template may widen.
/// </summary>
internal static class TemplateWidening
{
    public static IReadOnlyList<string> WidenedTemplates(AccessPolicy previous, AccessPolicy current)
    {
        var guardrailsLoosened = GuardrailsMayLoosen(previous, current);
        return [.. current.TemplateList
            .Where(t => guardrailsLoosened || !previous.Templates.TryGetValue(t.Name, out var before) || MayWiden(before, t))
            .Select(t => t.Name)];
    }

    /// <summary>An enforced guardrail of <paramref name="previous"/> that is not in <paramref name="current"/> exactly as it was.</summary>
    public static bool GuardrailsMayLoosen(AccessPolicy previous, AccessPolicy current) =>
        previous.Guardrails.Any(g => g.Mode == GuardrailMode.Enforce && !current.Guardrails.Any(c => Same(g, c)));

    public static bool MayWiden(AccessTemplate before, AccessTemplate after)
    {
        if (after.Scope == TemplateScope.Cluster)
        {
            return before.Scope != TemplateScope.Cluster || !after.Rules.All(r => before.Rules.Any(b => Same(r, b)));
        }

        return before.Scope != after.Scope
            || !after.Namespaces.All(n => before.Namespaces.Any(b => string.Equals(b.Text, n.Text, StringComparison.Ordinal)))
            || !after.Rules.All(r => before.Rules.Any(b => Same(r, b)));
    }

    private static bool Same(Guardrail a, Guardrail b) =>
        string.Equals(a.Name, b.Name, StringComparison.Ordinal)
        && a.Mode == b.Mode
        && Same(a.Subjects, b.Subjects)
        && Same(a.Except, b.Except)
        && a.Namespaces.Select(n => n.Text).SequenceEqual(b.Namespaces.Select(n => n.Text), StringComparer.Ordinal)
        && a.Rules.Length == b.Rules.Length
        && a.Rules.Zip(b.Rules).All(pair => Same(pair.First, pair.Second));

    private static bool Same(SubjectSelector a, SubjectSelector b) =>
        a.Users.SequenceEqual(b.Users, StringComparer.Ordinal) && a.Groups.SequenceEqual(b.Groups, StringComparer.Ordinal);

    // Records compare arrays by reference; a rule is the same when each of its lists holds the same names in order.
    private static bool Same(PolicyRule a, PolicyRule b) =>
        a.ApiGroups.SequenceEqual(b.ApiGroups, StringComparer.Ordinal)
        && a.Resources.SequenceEqual(b.Resources, StringComparer.Ordinal)
        && a.Verbs.SequenceEqual(b.Verbs, StringComparer.Ordinal)
        && a.ResourceNames.SequenceEqual(b.ResourceNames, StringComparer.Ordinal)
        && a.NonResourceUrls.SequenceEqual(b.NonResourceUrls, StringComparer.Ordinal);
}
