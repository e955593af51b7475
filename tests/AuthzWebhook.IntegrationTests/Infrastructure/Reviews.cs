using System.Text.Json;

namespace AuthzWebhook.IntegrationTests.Infrastructure;

/// <summary>SubjectAccessReview bodies shaped exactly as the kube-apiserver sends them.</summary>
internal static class Reviews
{
    public static string Resource(
        string user,
        string[] groups,
        string verb,
        string resource,
        string ns = "",
        string subresource = "",
        string name = "",
        string group = "",
        string apiVersion = "authorization.k8s.io/v1")
    {
        var attributes = new Dictionary<string, object?>
        {
            ["verb"] = verb,
            ["group"] = group,
            ["version"] = "v1",
            ["resource"] = resource,
        };
        if (ns.Length > 0)
        {
            attributes["namespace"] = ns;
        }

        if (subresource.Length > 0)
        {
            attributes["subresource"] = subresource;
        }

        if (name.Length > 0)
        {
            attributes["name"] = name;
        }

        return Serialize(apiVersion, user, groups, "resourceAttributes", attributes);
    }

    public static string NonResource(string user, string[] groups, string verb, string path, string apiVersion = "authorization.k8s.io/v1") =>
        Serialize(apiVersion, user, groups, "nonResourceAttributes", new Dictionary<string, object?> { ["path"] = path, ["verb"] = verb });

    private static string Serialize(string apiVersion, string user, string[] groups, string attributesName, Dictionary<string, object?> attributes)
    {
        var spec = new Dictionary<string, object?>
        {
            [attributesName] = attributes,
            ["user"] = user,
            ["uid"] = "uid-" + user,
            [apiVersion.EndsWith("v1beta1", StringComparison.Ordinal) ? "group" : "groups"] = groups,
        };
        return JsonSerializer.Serialize(new Dictionary<string, object?>
        {
            ["kind"] = "SubjectAccessReview",
            ["apiVersion"] = apiVersion,
            ["metadata"] = new Dictionary<string, object?> { ["creationTimestamp"] = null },
            ["spec"] = spec,
            ["status"] = new Dictionary<string, object?> { ["allowed"] = false },
        });
    }
}
