using System.Collections.Frozen;

namespace AuthzWebhook.Policy;

/// <summary>A validated, immutable policy: what the decision engine reads. Replaced whole on reload.</summary>
internal sealed class AccessPolicy
{
    public AccessPolicy(IReadOnlyList<AccessTemplate> templates, IReadOnlyList<Guardrail> guardrails, string source, string contentHash)
    {
        TemplateList = [.. templates];
        Templates = templates.ToFrozenDictionary(t => t.Name, StringComparer.Ordinal);
        TemplatesByEligibleGroup = TemplateList
            .SelectMany((t, i) => t.EligibleGroups.Select(g => (Group: g, Index: i)))
            .GroupBy(e => e.Group, StringComparer.Ordinal)
            .ToFrozenDictionary(g => g.Key, g => g.Select(e => e.Index).Distinct().Order().ToArray(), StringComparer.Ordinal);
        Guardrails = [.. guardrails];
        Source = source;
        ContentHash = contentHash;
    }

    public static AccessPolicy Empty { get; } = new([], [], "(none)", string.Empty);

    public FrozenDictionary<string, AccessTemplate> Templates { get; }

    /// <summary>Templates in file order, so that reasons list them predictably.</summary>
    public AccessTemplate[] TemplateList { get; }

    /// <summary>
    /// Positions in <see cref="TemplateList"/> of the templates each group may request, ascending, so that finding what
    /// a user could request looks only at their groups' templates.
    /// </summary>
    public FrozenDictionary<string, int[]> TemplatesByEligibleGroup { get; }

    public Guardrail[] Guardrails { get; }

    public string Source { get; }

    public string ContentHash { get; }
}
