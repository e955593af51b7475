namespace AuthzWebhook.Policy;

/// <summary>
/// One RBAC-shaped rule, with the same fields and meaning as a Kubernetes <c>PolicyRule</c>.
/// A rule names either resources (apiGroups + resources + verbs, optionally resourceNames)
/// or non-resource URLs (nonResourceURLs + verbs), never both.
/// </summary>
internal sealed record PolicyRule(
    string[] ApiGroups,
    string[] Resources,
    string[] Verbs,
    string[] ResourceNames,
    string[] NonResourceUrls);
