using System.Collections.Frozen;

namespace AuthzWebhook.Policy;

/// <summary>A validated, immutable policy: what the decision engine reads. Replaced whole on reload.</summary>
internal sealed class AccessPolicy
{
    public AccessPolicy(IReadOnlyList<AccessTemplate> templates, IReadOnlyList<Guardrail> guardrails, string source, string contentHash)
    {
        TemplateList = [.. templates];
        Templates = templates.ToFrozenDictionary(t => t.Name, StringComparer.Ordinal);
        Guardrails = [.. guardrails];
        Source = source;
        ContentHash = contentHash;
    }

    public static AccessPolicy Empty { get; } = new([], [], "(none)", string.Empty);

    public FrozenDictionary<string, AccessTemplate> Templates { get; }

    /// <summary>Templates in file order, so that reasons list them predictably.</summary>
    public AccessTemplate[] TemplateList { get; }

    public Guardrail[] Guardrails { get; }

    public string Source { get; }

    public string ContentHash { get; }
}
