using System.Text.Json;

namespace AuthzWebhook.IntegrationTests.Infrastructure;

/// <summary>audit.k8s.io/v1 Events and EventLists shaped exactly as the API server's audit backends write them.</summary>
public static class ApiServerAuditEvents
{
    public static Dictionary<string, object?> Event(
        Guid auditId,
        string stage,
        string user,
        string[] groups,
        string verb,
        string resource,
        string ns,
        string? name = null,
        string? subresource = null,
        int code = 200,
        string? reason = null,
        string decision = "allow",
        DateTimeOffset? at = null)
    {
        var time = (at ?? DateTimeOffset.UtcNow).UtcDateTime;
        var path = $"/api/v1/namespaces/{ns}/{resource}" + (name is null ? string.Empty : "/" + name) + (subresource is null ? string.Empty : "/" + subresource);
        var annotations = new Dictionary<string, string> { ["authorization.k8s.io/decision"] = decision };
        if (reason is not null)
        {
            annotations["authorization.k8s.io/reason"] = reason;
        }

        var objectRef = new Dictionary<string, object?> { ["resource"] = resource, ["namespace"] = ns, ["apiVersion"] = "v1" };
        if (name is not null)
        {
            objectRef["name"] = name;
        }

        if (subresource is not null)
        {
            objectRef["subresource"] = subresource;
        }

        return new Dictionary<string, object?>
        {
            ["kind"] = "Event",
            ["apiVersion"] = "audit.k8s.io/v1",
            ["level"] = "Metadata",
            ["auditID"] = auditId.ToString(),
            ["stage"] = stage,
            ["requestURI"] = path,
            ["verb"] = verb,
            ["user"] = new Dictionary<string, object?> { ["username"] = user, ["groups"] = groups },
            ["sourceIPs"] = new[] { "10.0.0.12" },
            ["userAgent"] = "kubectl/v1.33.1 (linux/amd64) kubernetes/abc1234",
            ["objectRef"] = objectRef,
            ["responseStatus"] = new Dictionary<string, object?> { ["metadata"] = new { }, ["code"] = code },
            ["requestReceivedTimestamp"] = time.AddMilliseconds(-5).ToString("yyyy-MM-dd'T'HH:mm:ss.ffffff'Z'", System.Globalization.CultureInfo.InvariantCulture),
            ["stageTimestamp"] = time.ToString("yyyy-MM-dd'T'HH:mm:ss.ffffff'Z'", System.Globalization.CultureInfo.InvariantCulture),
            ["annotations"] = annotations,
        };
    }

    public static string List(params Dictionary<string, object?>[] events) =>
        JsonSerializer.Serialize(new Dictionary<string, object?> { ["kind"] = "EventList", ["apiVersion"] = "audit.k8s.io/v1", ["metadata"] = new { }, ["items"] = events });
}
