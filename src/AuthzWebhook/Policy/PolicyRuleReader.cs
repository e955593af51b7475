using YamlDotNet.RepresentationModel;

namespace AuthzWebhook.Policy;

/// <summary>
/// Reads the RBAC-shaped rules and namespace patterns of templates and guardrails, checking each name as Kubernetes
/// shapes it, with the same <c>file:line:column: field: problem</c> reporting as the rest of the policy.
/// </summary>
internal static class PolicyRuleReader
{
    public static NamespacePattern[] ReadNamespaces(YamlCursor cursor, YamlMappingNode map, string path)
    {
        var patterns = new List<NamespacePattern>();
        cursor.Strings(map, path, "namespaces", text =>
        {
            if (!NamespacePattern.TryParse(text, out var pattern, out var error))
            {
                return error;
            }

            patterns.Add(pattern);
            return null;
        });
        return [.. patterns];
    }

    public static PolicyRule[] ReadRules(YamlCursor cursor, YamlMappingNode parent, string parentPath, bool allowNonResource)
    {
        var nodes = cursor.Sequence(parent, parentPath, "rules");
        if (nodes.Count == 0)
        {
            cursor.Error(parent, $"{parentPath}.rules", "must list at least one rule");
        }

        var rules = new List<PolicyRule>(nodes.Count);
        for (var i = 0; i < nodes.Count; i++)
        {
            var path = $"{parentPath}.rules[{i}]";
            var map = cursor.Mapping(nodes[i], path);
            if (map is null)
            {
                continue;
            }

            cursor.RejectUnknown(map, path, "apiGroups", "resources", "verbs", "resourceNames", "nonResourceURLs");
            var apiGroups = cursor.Strings(map, path, "apiGroups");
            var resources = cursor.Strings(map, path, "resources", ValidateResource);
            var verbs = cursor.Strings(map, path, "verbs", NotBlank);
            var resourceNames = cursor.Strings(map, path, "resourceNames", NotBlank);
            var urls = cursor.Strings(map, path, "nonResourceURLs", ValidateNonResourceUrl);

            if (verbs.Length == 0)
            {
                cursor.Error(map, $"{path}.verbs", "must list at least one verb (or '*')");
            }

            if (urls.Length > 0)
            {
                if (apiGroups.Length > 0 || resources.Length > 0 || resourceNames.Length > 0)
                {
                    cursor.Error(map, path, "a rule names either resources or nonResourceURLs, not both (as in Kubernetes RBAC)");
                }

                if (!allowNonResource)
                {
                    cursor.Error(YamlCursor.Child(map, "nonResourceURLs"), $"{path}.nonResourceURLs", "only cluster-scoped templates may grant non-resource URLs (as only ClusterRoleBindings can in Kubernetes)");
                }
            }
            else
            {
                if (apiGroups.Length == 0)
                {
                    cursor.Error(map, $"{path}.apiGroups", "is required for a resource rule (use [\"\"] for the core group)");
                }

                if (resources.Length == 0)
                {
                    cursor.Error(map, $"{path}.resources", "is required for a resource rule");
                }
            }

            rules.Add(new PolicyRule(apiGroups, resources, verbs, resourceNames, urls));
        }

        return [.. rules];
    }

    public static string? NotBlank(string value) => string.IsNullOrWhiteSpace(value) ? "must not be empty" : null;

    /// <summary>Null when <paramref name="value"/> may stand in a rule's resources; rbac-audit uses it to keep only what a template may hold.</summary>
    internal static string? ValidateResource(string value)
    {
        if (value == "*")
        {
            return null;
        }

        var slash = value.IndexOf('/', StringComparison.Ordinal);
        var resource = slash < 0 ? value : value[..slash];
        var subresource = slash < 0 ? null : value[(slash + 1)..];
        if (resource.Length == 0 || (subresource is not null && (subresource.Length == 0 || subresource.Contains('/', StringComparison.Ordinal))))
        {
            return $"'{value}' must be 'resource', 'resource/subresource', '*/subresource' or '*'";
        }

        if (resource != "*" && resource.Contains('*', StringComparison.Ordinal) || (subresource?.Contains('*', StringComparison.Ordinal) ?? false))
        {
            return $"'{value}': '*' stands only for a whole resource name ('*' or '*/subresource'), as in Kubernetes RBAC";
        }

        return null;
    }

    /// <summary>Null when <paramref name="value"/> may stand in a rule's nonResourceURLs.</summary>
    internal static string? ValidateNonResourceUrl(string value)
    {
        if (value == "*")
        {
            return null;
        }

        if (!value.StartsWith('/'))
        {
            return $"'{value}' must start with '/' (or be '*')";
        }

        var star = value.IndexOf('*', StringComparison.Ordinal);
        return star >= 0 && star != value.Length - 1 ? $"'{value}' may contain '*' only at its end" : null;
    }
}
