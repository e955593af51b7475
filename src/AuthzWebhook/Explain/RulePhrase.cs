using AuthzWebhook.Policy;

namespace AuthzWebhook.Explain;

/// <summary>
/// A policy rule in plain words, as <c>kubectl elevate status</c> shows what an elevation lets one do: "get, list pods,
/// pods/log", "delete deployments.apps named web", "get /metrics", "* *.*" for everything.
/// </summary>
internal static class RulePhrase
{
    public static string Of(PolicyRule rule)
    {
        var verbs = string.Join(", ", rule.Verbs);
        if (rule.NonResourceUrls.Length > 0)
        {
            return $"{verbs} {string.Join(", ", rule.NonResourceUrls)}";
        }

        // As kubectl names them: the core group's resources bare, the others as resource.group.
        var resources = rule.ApiGroups.SelectMany(group => rule.Resources.Select(resource => group.Length == 0 ? resource : $"{resource}.{group}"));
        var phrase = $"{verbs} {string.Join(", ", resources)}";
        return rule.ResourceNames.Length > 0 ? $"{phrase} named {string.Join(", ", rule.ResourceNames)}" : phrase;
    }
}
