using System.Globalization;
using System.Text.Json.Nodes;

namespace AuthzWebhook.TestSupport;

/// <summary>
/// Writes an API server audit log as the log backend does with <c>--audit-log-format=json</c>: one audit.k8s.io/v1
/// <c>Event</c> per line, fields named and ordered as kube-apiserver serializes them, a RequestReceived event (before
/// authorization, so without its annotations) and a ResponseComplete event per request.
/// </summary>
internal sealed class KubernetesAuditLog
{
    private readonly List<string> _lines = [];
    private DateTimeOffset _clock = new(2026, 11, 27, 14, 0, 0, TimeSpan.Zero);

    public IReadOnlyList<string> Lines => _lines;

    /// <summary>
    /// A resource request. <paramref name="reason"/> and <paramref name="decision"/> become the authorization annotations,
    /// as the API server sets them; a null reason leaves them out (a request audited at a level or stage without them).
    /// </summary>
    public KubernetesAuditLog Request(
        string user,
        string verb,
        string resource,
        string? ns,
        string? name,
        string? reason,
        string decision = "forbid",
        string? subresource = null,
        string? auditId = null,
        bool requestReceived = true)
    {
        auditId ??= Guid.NewGuid().ToString();
        var received = Tick();
        var uri = ns is null ? $"/api/v1/{resource}" : $"/api/v1/namespaces/{ns}/{resource}";
        uri += (name is null ? string.Empty : "/" + name) + (subresource is null ? string.Empty : "/" + subresource);
        var objectRef = new JsonObject { ["resource"] = resource };
        if (ns is not null)
        {
            objectRef["namespace"] = ns;
        }

        if (name is not null)
        {
            objectRef["name"] = name;
        }

        objectRef["apiVersion"] = "v1";
        if (subresource is not null)
        {
            objectRef["subresource"] = subresource;
        }

        if (requestReceived)
        {
            _lines.Add(Event(auditId, "RequestReceived", uri, verb, user, objectRef, received, received, status: null, annotations: null));
        }

        var allowed = decision == "allow";
        var status = allowed
            ? new JsonObject { ["metadata"] = new JsonObject(), ["code"] = 200 }
            : new JsonObject
            {
                ["metadata"] = new JsonObject(),
                ["status"] = "Failure",
                ["message"] = $"{resource} \"{name}\" is forbidden: User \"{user}\" cannot {verb} resource \"{resource}\" in API group \"\" in the namespace \"{ns}\": {reason}",
                ["reason"] = "Forbidden",
                ["details"] = new JsonObject { ["name"] = name, ["kind"] = resource },
                ["code"] = 403,
            };
        var annotations = reason is null
            ? null
            : new JsonObject { ["authorization.k8s.io/decision"] = decision, ["authorization.k8s.io/reason"] = reason };
        _lines.Add(Event(auditId, "ResponseComplete", uri, verb, user, objectRef, received, Tick(), status, annotations));
        return this;
    }

    /// <summary>Any other line: a truncated write, a log shipper's own line.</summary>
    public KubernetesAuditLog Line(string line)
    {
        _lines.Add(line);
        return this;
    }

    public async Task<string> WriteAsync()
    {
        var path = Path.Combine(Path.GetTempPath(), $"authz-audit-{Guid.NewGuid():N}.log");
        await File.WriteAllLinesAsync(path, _lines);
        return path;
    }

    private DateTimeOffset Tick() => _clock = _clock.AddMilliseconds(137.421);

    private static string Event(
        string auditId,
        string stage,
        string uri,
        string verb,
        string user,
        JsonObject objectRef,
        DateTimeOffset received,
        DateTimeOffset stageTime,
        JsonObject? status,
        JsonObject? annotations)
    {
        var e = new JsonObject
        {
            ["kind"] = "Event",
            ["apiVersion"] = "audit.k8s.io/v1",
            ["level"] = "Metadata",
            ["auditID"] = auditId,
            ["stage"] = stage,
            ["requestURI"] = uri,
            ["verb"] = verb,
            ["user"] = new JsonObject
            {
                ["username"] = user,
                ["groups"] = new JsonArray("oidc:sre", "system:authenticated"),
                ["extra"] = new JsonObject { ["authentication.kubernetes.io/credential-id"] = new JsonArray("JTI=0f1c3b2a") },
            },
            ["sourceIPs"] = new JsonArray("10.0.12.7"),
            ["userAgent"] = "kubectl/v1.31.2 (linux/amd64) kubernetes/5864a46",
            ["objectRef"] = objectRef.DeepClone(),
        };
        if (status is not null)
        {
            e["responseStatus"] = status;
        }

        e["requestReceivedTimestamp"] = MicroTime(received);
        e["stageTimestamp"] = MicroTime(stageTime);
        if (annotations is not null)
        {
            e["annotations"] = annotations;
        }

        return e.ToJsonString();
    }

    /// <summary>metav1.MicroTime: RFC 3339 with exactly six fractional digits, UTC.</summary>
    private static string MicroTime(DateTimeOffset time) => time.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss.ffffff'Z'", CultureInfo.InvariantCulture);
}
