using AuthzWebhook.Policy;
using AuthzWebhook.Windows;

namespace AuthzWebhook.Decisions;

/// <summary>
/// (review, policy, windows, now) → decision. Pure and in memory: guardrails first (an enforced one denies, audit ones
/// are noted), then the windows of the user and of each of the user's groups; anything else is no opinion.
/// A replica that cannot prove its windows are fresh never allows.
/// </summary>
internal sealed class DecisionEngine(ActiveWindowIndex windows, WindowFreshness freshness)
{
    public Decision Decide(ReviewRequest request, AccessPolicy policy, DateTimeOffset now)
    {
        Guardrail[]? audit = null;
        foreach (var guardrail in policy.Guardrails)
        {
            if (!GuardrailApplies(guardrail, request))
            {
                continue;
            }

            if (guardrail.Mode == GuardrailMode.Enforce)
            {
                return Decision.Deny(guardrail, audit, degraded: !freshness.IsFresh(now));
            }

            audit = audit is null ? [guardrail] : [.. audit, guardrail];
        }

        if (!freshness.IsFresh(now))
        {
            return Decision.NoOpinion(audit, degraded: true);
        }

        ElevationWindow? best = null;
        AccessTemplate? bestTemplate = null;
        Consider(windows.ForUser(request.User), request, policy, now, ref best, ref bestTemplate);
        foreach (var group in request.Groups)
        {
            Consider(windows.ForGroup(group), request, policy, now, ref best, ref bestTemplate);
        }

        return best is not null && bestTemplate is not null
            ? Decision.Allow(best, bestTemplate, audit)
            : Decision.NoOpinion(audit, degraded: false);
    }

    /// <summary>
    /// Whether an allow given for <paramref name="window"/> still stands at <paramref name="now"/>: the window as this
    /// replica now holds it is neither revoked nor expired, and the index is still fresh. Checked again after an
    /// answer has waited for its record, so that the wait never stretches a grant past its window.
    /// </summary>
    public bool StillAllows(ElevationWindow window, DateTimeOffset now) =>
        windows.Find(window.Id) is { RevokedAt: null } current
        && now < current.ExpiresAt
        && now < window.ExpiresAt
        && freshness.IsFresh(now);

    /// <summary>
    /// Templates the requester could ask for that would cover this request (for the no-opinion reason), in file order;
    /// at most <paramref name="limit"/>, since a reason names only a few and every no-opinion answer pays for the search.
    /// </summary>
    public static List<AccessTemplate> RequestableFor(ReviewRequest request, AccessPolicy policy, int limit = int.MaxValue)
    {
        var result = new List<AccessTemplate>();
        var candidates = new List<int>();
        foreach (var group in request.Groups)
        {
            if (policy.TemplatesByEligibleGroup.TryGetValue(group, out var indexes))
            {
                candidates.AddRange(indexes);
            }
        }

        candidates.Sort();
        // A namespace that is no namespace name (the API server authorizes before it validates names) could never be
        // requested, and is not to be echoed into the reason as the namespace to request.
        var requestableNamespace = KubernetesNames.IsNamespaceName(request.Namespace);
        for (var i = 0; i < candidates.Count && result.Count < limit; i++)
        {
            if (i > 0 && candidates[i] == candidates[i - 1])
            {
                continue;
            }

            var template = policy.TemplateList[candidates[i]];
            if (template.Scope == TemplateScope.Namespaced && !requestableNamespace)
            {
                continue;
            }

            if (ScopeCovers(template, request) && template.AllowsNamespace(request.Namespace) && RbacRuleMatcher.AnyAllows(request, template.Rules))
            {
                result.Add(template);
            }
        }

        return result;
    }

    private static void Consider(ElevationWindow[] candidates, ReviewRequest request, AccessPolicy policy, DateTimeOffset now, ref ElevationWindow? best, ref AccessTemplate? bestTemplate)
    {
        foreach (var window in candidates)
        {
            // The longest-lived covering window is named, so the reason tells the user the latest time they can rely on.
            if (best is not null && window.ExpiresAt <= best.ExpiresAt)
            {
                continue;
            }

            if (!window.IsActiveAt(now) || !NameLists.Contains(request.Groups, window.EligibilityGroup)
                || !policy.Templates.TryGetValue(window.Template, out var template) || !Covers(window, template, request))
            {
                continue;
            }

            best = window;
            bestTemplate = template;
        }
    }

    private static bool Covers(ElevationWindow window, AccessTemplate template, ReviewRequest request)
    {
        if (!ScopeCovers(template, request))
        {
            return false;
        }

        if (!StillGrantable(window, template))
        {
            return false;
        }

        // A namespaced window acts like RoleBindings in its namespaces, limited to what the policy still allows there.
        if (template.Scope == TemplateScope.Namespaced && (!window.CoversNamespace(request.Namespace) || !template.AllowsNamespace(request.Namespace)))
        {
            return false;
        }

        return RbacRuleMatcher.AnyAllows(request, template.Rules);
    }

    /// <summary>
    /// Whether the policy in force still lets <paramref name="window"/> grant under <paramref name="template"/> at all: a
    /// group since removed from eligibleGroups no longer qualifies, and a window approved for namespaces never turns
    /// cluster-wide because its template changed scope. (Each namespace is still checked per request.)
    /// </summary>
    public static bool StillGrantable(ElevationWindow window, AccessTemplate template) =>
        NameLists.Contains(template.EligibleGroups, window.EligibilityGroup)
        && !(template.Scope == TemplateScope.Cluster && window.Namespaces.Length > 0);

    /// <summary>Namespaced templates, like RoleBindings, never cover cluster-scoped resources or non-resource URLs.</summary>
    private static bool ScopeCovers(AccessTemplate template, ReviewRequest request) =>
        template.Scope == TemplateScope.Cluster || (request.IsResourceRequest && request.Namespace.Length > 0);

    private static bool GuardrailApplies(Guardrail guardrail, ReviewRequest request)
    {
        if (!guardrail.AppliesToSubject(request.User, request.Groups))
        {
            return false;
        }

        // A request with no namespace spans all of them (`kubectl get secrets -A`) and returns the guarded namespaces'
        // objects too, so a namespace-limited guardrail applies to it. For cluster-scoped resources that over-denies,
        // which is the safe side; list resources explicitly to avoid it.
        if (guardrail.Namespaces.Length > 0
            && (!request.IsResourceRequest || (request.Namespace.Length > 0 && !guardrail.AppliesToNamespace(request.Namespace))))
        {
            return false;
        }

        return RbacRuleMatcher.AnyMayTouch(request, guardrail.Rules);
    }
}
