using AuthzWebhook.Policy;

namespace AuthzWebhook.Decisions;

/// <summary>
/// Kubernetes RBAC rule semantics, kept identical to <c>pkg/apis/rbac/v1/evaluation_helpers.go</c>:
/// exact, case-sensitive matches with <c>*</c> as "any"; <c>resource/subresource</c> and <c>*/subresource</c>;
/// a rule with resourceNames never matches a request without a name; a non-resource URL ending in <c>*</c> is a prefix.
/// </summary>
internal static class RbacRuleMatcher
{
    public static bool Allows(ReviewRequest request, PolicyRule rule) => Matches(request, rule, namelessTouchesNamed: false);

    public static bool AnyAllows(ReviewRequest request, PolicyRule[] rules) => AnyMatches(request, rules, namelessTouchesNamed: false);

    /// <summary>
    /// For denies: like <see cref="AnyAllows"/>, except that a request without a name (list, watch, deletecollection)
    /// counts as touching the named objects, since it returns or affects them too. RBAC's allow semantics would let
    /// <c>kubectl get secrets</c> slip past a guardrail that names one secret.
    /// </summary>
    public static bool AnyMayTouch(ReviewRequest request, PolicyRule[] rules) => AnyMatches(request, rules, namelessTouchesNamed: true);

    private static bool AnyMatches(ReviewRequest request, PolicyRule[] rules, bool namelessTouchesNamed)
    {
        foreach (var rule in rules)
        {
            if (Matches(request, rule, namelessTouchesNamed))
            {
                return true;
            }
        }

        return false;
    }

    private static bool Matches(ReviewRequest request, PolicyRule rule, bool namelessTouchesNamed)
    {
        if (!request.IsResourceRequest)
        {
            return VerbMatches(rule, request.Verb) && NonResourceUrlMatches(rule, request.Path);
        }

        return VerbMatches(rule, request.Verb)
            && ApiGroupMatches(rule, request.ApiGroup)
            && ResourceMatches(rule, request.Resource, request.Subresource)
            && ((namelessTouchesNamed && request.Name.Length == 0) || ResourceNameMatches(rule, request.Name));
    }

    public static bool VerbMatches(PolicyRule rule, string verb)
    {
        foreach (var ruleVerb in rule.Verbs)
        {
            if (ruleVerb == "*" || string.Equals(ruleVerb, verb, StringComparison.Ordinal))
            {
                return true;
            }
        }

        return false;
    }

    public static bool ApiGroupMatches(PolicyRule rule, string group)
    {
        foreach (var ruleGroup in rule.ApiGroups)
        {
            if (ruleGroup == "*" || string.Equals(ruleGroup, group, StringComparison.Ordinal))
            {
                return true;
            }
        }

        return false;
    }

    public static bool ResourceMatches(PolicyRule rule, string resource, string subresource)
    {
        foreach (var ruleResource in rule.Resources)
        {
            if (ruleResource == "*")
            {
                return true;
            }

            if (subresource.Length == 0)
            {
                if (string.Equals(ruleResource, resource, StringComparison.Ordinal))
                {
                    return true;
                }

                continue;
            }

            // "resource/subresource" compared without building the combined string.
            if (ruleResource.Length == resource.Length + 1 + subresource.Length
                && ruleResource.StartsWith(resource, StringComparison.Ordinal)
                && ruleResource[resource.Length] == '/'
                && ruleResource.EndsWith(subresource, StringComparison.Ordinal))
            {
                return true;
            }

            // "*/subresource" matches that subresource of any resource.
            if (ruleResource.Length == subresource.Length + 2
                && ruleResource.StartsWith("*/", StringComparison.Ordinal)
                && ruleResource.EndsWith(subresource, StringComparison.Ordinal))
            {
                return true;
            }
        }

        return false;
    }

    public static bool ResourceNameMatches(PolicyRule rule, string name)
    {
        if (rule.ResourceNames.Length == 0)
        {
            return true;
        }

        foreach (var ruleName in rule.ResourceNames)
        {
            if (string.Equals(ruleName, name, StringComparison.Ordinal))
            {
                return true;
            }
        }

        return false;
    }

    public static bool NonResourceUrlMatches(PolicyRule rule, string path)
    {
        foreach (var ruleUrl in rule.NonResourceUrls)
        {
            if (ruleUrl == "*" || string.Equals(ruleUrl, path, StringComparison.Ordinal))
            {
                return true;
            }

            // Kubernetes trims every trailing '*' and compares the rest as a prefix.
            if (ruleUrl.EndsWith('*') && path.AsSpan().StartsWith(ruleUrl.AsSpan().TrimEnd('*'), StringComparison.Ordinal))
            {
                return true;
            }
        }

        return false;
    }
}
