namespace AuthzWebhook.Policy;

/// <summary>
/// Which templates a policy change may widen. The engine applies the rules in force to every window, so a template
/// that grants more after a reload grants more to its active elevations at once, without a new approval. Judged
/// conservatively: a template may widen unless every rule, namespace pattern and its scope were already there.
/// </summary>
internal static class TemplateWidening
{
    public static IReadOnlyList<string> WidenedTemplates(AccessPolicy previous, AccessPolicy current) =>
        [.. current.TemplateList
            .Where(t => previous.Templates.TryGetValue(t.Name, out var before) && MayWiden(before, t))
            .Select(t => t.Name)];

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

    // Records compare arrays by reference; a rule is the same when each of its lists holds the same names in order.
    private static bool Same(PolicyRule a, PolicyRule b) =>
        a.ApiGroups.SequenceEqual(b.ApiGroups, StringComparer.Ordinal)
        && a.Resources.SequenceEqual(b.Resources, StringComparer.Ordinal)
        && a.Verbs.SequenceEqual(b.Verbs, StringComparer.Ordinal)
        && a.ResourceNames.SequenceEqual(b.ResourceNames, StringComparer.Ordinal)
        && a.NonResourceUrls.SequenceEqual(b.NonResourceUrls, StringComparer.Ordinal);
}
