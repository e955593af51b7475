using System.Text.Json;

namespace AuthzWebhook.EndToEndTests;

/// <summary>The decision records the service printed on stdout (one JSON line each), read back for assertions.</summary>
public static class DecisionRecords
{
    public static IReadOnlyList<JsonElement> Parse(IEnumerable<string> stdout)
    {
        var records = new List<JsonElement>();
        foreach (var line in stdout)
        {
            if (line.StartsWith('{'))
            {
                using var document = JsonDocument.Parse(line);
                if (document.RootElement.TryGetProperty("decision_id", out _))
                {
                    records.Add(document.RootElement.Clone());
                }
            }
        }

        return records;
    }

    public static string User(this JsonElement record) => record.GetProperty("user").GetProperty("name").GetString()!;

    public static string Outcome(this JsonElement record) => record.GetProperty("decision").GetString()!;

    public static string Request(this JsonElement record, string field) =>
        record.GetProperty("request").GetProperty(field) is { ValueKind: JsonValueKind.String } value ? value.GetString()! : string.Empty;

    public static Guid DecisionId(this JsonElement record) => record.GetProperty("decision_id").GetGuid();
}
