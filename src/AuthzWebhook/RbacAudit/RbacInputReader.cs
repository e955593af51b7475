using System.Text.Json;
using AuthzWebhook.Policy;

namespace AuthzWebhook.RbacAudit;

/// <summary>
/// Reads <c>kubectl get clusterrolebindings,rolebindings,clusterroles,roles -A -o json</c>: a <c>v1 List</c> mixing the four
/// kinds, a single-kind <c>…List</c>, or one object. Anything else is refused with the item and field at fault, because a
/// report built from a half-understood file would miss grants silently.
/// </summary>
internal static class RbacInputReader
{
    public const string RbacApiVersion = "rbac.authorization.k8s.io/v1";
    private const string BootstrapLabel = "kubernetes.io/bootstrapping";

    private static readonly string[] Kinds = ["ClusterRoleBinding", "RoleBinding", "ClusterRole", "Role"];

    public static RbacInventory Read(string json)
    {
        JsonDocument document;
        try
        {
            document = JsonDocument.Parse(json, new JsonDocumentOptions { MaxDepth = 64 });
        }
        catch (JsonException ex)
        {
            throw new RbacInputException($"not valid JSON (line {ex.LineNumber + 1}, byte {ex.BytePositionInLine + 1}): {FirstSentence(ex.Message)}");
        }

        using (document)
        {
            var root = document.RootElement;
            if (root.ValueKind != JsonValueKind.Object)
            {
                throw new RbacInputException($"expected a JSON object (kubectl -o json output), found {Describe(root)}");
            }

            var kind = OptionalString(root, "kind", "(root)");
            if (kind is null)
            {
                throw new RbacInputException("(root): kind: missing; expected a List from kubectl get … -o json");
            }

            var roles = new List<RbacRole>();
            var bindings = new List<RbacBinding>();
            if (kind.EndsWith("List", StringComparison.Ordinal))
            {
                if (kind != "List" && !Kinds.Contains(kind[..^"List".Length]))
                {
                    throw new RbacInputException($"(root): kind: '{kind}' is not RBAC; expected List, ClusterRoleBindingList, RoleBindingList, ClusterRoleList or RoleList");
                }

                if (!root.TryGetProperty("items", out var items) || items.ValueKind != JsonValueKind.Array)
                {
                    throw new RbacInputException($"(root): items: {(root.TryGetProperty("items", out var bad) ? $"expected an array, found {Describe(bad)}" : "missing")}");
                }

                var i = 0;
                foreach (var item in items.EnumerateArray())
                {
                    ReadItem(item, $"items[{i++}]", kind == "List" ? null : kind[..^"List".Length], roles, bindings);
                }
            }
            else
            {
                ReadItem(root, "(root)", null, roles, bindings);
            }

            return new RbacInventory(roles, bindings);
        }
    }

    private static void ReadItem(JsonElement item, string at, string? listKind, List<RbacRole> roles, List<RbacBinding> bindings)
    {
        if (item.ValueKind != JsonValueKind.Object)
        {
            throw new RbacInputException($"{at}: expected an object, found {Describe(item)}");
        }

        // kubectl writes kind and apiVersion on every item of a List; a typed list's items may omit them.
        var kind = OptionalString(item, "kind", at) ?? listKind ?? throw new RbacInputException($"{at}: kind: missing");
        if (!Kinds.Contains(kind))
        {
            throw new RbacInputException($"{at}: kind: '{kind}' is not one of ClusterRoleBinding, RoleBinding, ClusterRole, Role (get only those: kubectl get clusterrolebindings,rolebindings,clusterroles,roles -A -o json)");
        }

        var apiVersion = OptionalString(item, "apiVersion", at) ?? (listKind is null ? throw new RbacInputException($"{at}: apiVersion: missing") : RbacApiVersion);
        if (apiVersion != RbacApiVersion)
        {
            throw new RbacInputException($"{at}: apiVersion: '{apiVersion}' is not {RbacApiVersion} (the only RBAC version served since Kubernetes 1.22)");
        }

        var metadata = RequiredObject(item, "metadata", at);
        var name = RequiredString(metadata, "name", $"{at}.metadata");
        at = $"{at} ({kind} {name})";
        var namespaced = kind is "Role" or "RoleBinding";
        var ns = namespaced ? RequiredString(metadata, "namespace", $"{at}.metadata") : string.Empty;
        var isDefault = metadata.TryGetProperty("labels", out var labels) && labels.ValueKind == JsonValueKind.Object
            && labels.TryGetProperty(BootstrapLabel, out var bootstrap) && bootstrap.ValueKind == JsonValueKind.String
            && bootstrap.GetString() == "rbac-defaults";

        if (kind is "Role" or "ClusterRole")
        {
            roles.Add(new RbacRole(kind, ns, name, ReadRules(item, at), isDefault));
            return;
        }

        var roleRef = RequiredObject(item, "roleRef", at);
        var roleKind = RequiredString(roleRef, "kind", $"{at}.roleRef");
        var roleName = RequiredString(roleRef, "name", $"{at}.roleRef");
        if (roleKind != "ClusterRole" && (roleKind != "Role" || !namespaced))
        {
            throw new RbacInputException($"{at}.roleRef.kind: '{roleKind}' must be {(namespaced ? "Role or ClusterRole" : "ClusterRole")}");
        }

        var subjects = new List<RbacSubject>();
        var index = 0;
        foreach (var subject in Array(item, "subjects", at))
        {
            subjects.Add(ReadSubject(subject, $"{at}.subjects[{index++}]", ns, namespaced));
        }

        bindings.Add(new RbacBinding(kind, ns, name, roleKind, roleName, [.. subjects], isDefault));
    }

    private static RbacSubject ReadSubject(JsonElement subject, string at, string bindingNamespace, bool namespaced)
    {
        if (subject.ValueKind != JsonValueKind.Object)
        {
            throw new RbacInputException($"{at}: expected an object, found {Describe(subject)}");
        }

        var kind = RequiredString(subject, "kind", at);
        var name = RequiredString(subject, "name", at);
        var ns = OptionalString(subject, "namespace", at);
        if (kind is not (RbacSubject.User or RbacSubject.Group or RbacSubject.ServiceAccount))
        {
            throw new RbacInputException($"{at}.kind: '{kind}' must be User, Group or ServiceAccount");
        }

        // Kubernetes refuses such a ClusterRoleBinding; in a RoleBinding the binding's namespace is meant.
        if (kind == RbacSubject.ServiceAccount && string.IsNullOrEmpty(ns) && !namespaced)
        {
            throw new RbacInputException($"{at}.namespace: missing; a ServiceAccount subject of a ClusterRoleBinding must name its namespace");
        }

        return RbacSubject.Resolve(kind, name, ns, bindingNamespace);
    }

    private static PolicyRule[] ReadRules(JsonElement role, string at)
    {
        var rules = new List<PolicyRule>();
        var i = 0;
        foreach (var rule in Array(role, "rules", at))
        {
            var path = $"{at}.rules[{i++}]";
            if (rule.ValueKind != JsonValueKind.Object)
            {
                throw new RbacInputException($"{path}: expected an object, found {Describe(rule)}");
            }

            var verbs = Strings(rule, "verbs", path);
            if (verbs.Length == 0)
            {
                throw new RbacInputException($"{path}.verbs: missing or empty; Kubernetes requires at least one verb");
            }

            rules.Add(new PolicyRule(Strings(rule, "apiGroups", path), Strings(rule, "resources", path), verbs, Strings(rule, "resourceNames", path), Strings(rule, "nonResourceURLs", path)));
        }

        return [.. rules];
    }

    /// <summary>An absent or null list is empty, as Kubernetes reads it (an aggregated role with no matches has <c>rules: null</c>).</summary>
    private static JsonElement[] Array(JsonElement parent, string field, string at)
    {
        if (!parent.TryGetProperty(field, out var value) || value.ValueKind == JsonValueKind.Null)
        {
            return [];
        }

        return value.ValueKind == JsonValueKind.Array
            ? [.. value.EnumerateArray()]
            : throw new RbacInputException($"{at}.{field}: expected an array, found {Describe(value)}");
    }

    private static string[] Strings(JsonElement parent, string field, string at)
    {
        var values = new List<string>();
        var i = 0;
        foreach (var value in Array(parent, field, at))
        {
            values.Add(value.ValueKind == JsonValueKind.String
                ? value.GetString()!
                : throw new RbacInputException($"{at}.{field}[{i}]: expected a string, found {Describe(value)}"));
            i++;
        }

        return [.. values];
    }

    private static JsonElement RequiredObject(JsonElement parent, string field, string at) =>
        !parent.TryGetProperty(field, out var value) ? throw new RbacInputException($"{at}.{field}: missing")
        : value.ValueKind != JsonValueKind.Object ? throw new RbacInputException($"{at}.{field}: expected an object, found {Describe(value)}")
        : value;

    private static string RequiredString(JsonElement parent, string field, string at) =>
        OptionalString(parent, field, at) is { Length: > 0 } value ? value : throw new RbacInputException($"{at}.{field}: missing or empty");

    private static string? OptionalString(JsonElement parent, string field, string at)
    {
        if (!parent.TryGetProperty(field, out var value) || value.ValueKind == JsonValueKind.Null)
        {
            return null;
        }

        return value.ValueKind == JsonValueKind.String
            ? value.GetString()
            : throw new RbacInputException($"{at}.{field}: expected a string, found {Describe(value)}");
    }

    private static string Describe(JsonElement value) => value.ValueKind switch
    {
        JsonValueKind.Object => "an object",
        JsonValueKind.Array => "an array",
        JsonValueKind.String => "a string",
        JsonValueKind.Number => "a number",
        JsonValueKind.True or JsonValueKind.False => "a boolean",
        _ => "null",
    };

    private static string FirstSentence(string message) => message.Split(" Path:", 2)[0].Split(" LineNumber:", 2)[0];
}
