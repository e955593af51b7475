using System.Text.Json;

namespace AuthzWebhook.EndToEndTests;

/// <summary>The API server's own audit log file (<c>--audit-log-format=json</c>: one audit.k8s.io/v1 Event per line).</summary>
internal static class AuditLog
{
    public static IReadOnlyList<JsonElement> Read(string path)
    {
        using var stream = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.ReadWrite);
        using var reader = new StreamReader(stream);
        var events = new List<JsonElement>();
        while (reader.ReadLine() is { } line)
        {
            if (line.Length > 0)
            {
                using var document = JsonDocument.Parse(line);
                events.Add(document.RootElement.Clone());
            }
        }

        return events;
    }

    public static string AuditId(this JsonElement e) => e.GetProperty("auditID").GetString()!;

    public static string Stage(this JsonElement e) => e.GetProperty("stage").GetString()!;

    public static string Annotation(this JsonElement e, string key) =>
        e.TryGetProperty("annotations", out var annotations) && annotations.TryGetProperty(key, out var value) ? value.GetString() ?? string.Empty : string.Empty;
}
