using System.Globalization;
using System.Text.Json;
using System.Text.Json.Serialization;

namespace AuthzWebhook.Hosting;

/// <summary>
/// Writes every timestamp as UTC RFC 3339 with a <c>Z</c> and microseconds (what Postgres keeps), as the decision
/// records do; reads any RFC 3339 offset.
/// </summary>
internal sealed class UtcTimestampConverter : JsonConverter<DateTimeOffset>
{
    public override DateTimeOffset Read(ref Utf8JsonReader reader, Type typeToConvert, JsonSerializerOptions options) =>
        reader.GetDateTimeOffset();

    public override void Write(Utf8JsonWriter writer, DateTimeOffset value, JsonSerializerOptions options)
    {
        Span<char> buffer = stackalloc char[32];
        value.UtcDateTime.TryFormat(buffer, out var written, "yyyy-MM-dd'T'HH:mm:ss.ffffff'Z'", CultureInfo.InvariantCulture);
        writer.WriteStringValue(buffer[..written]);
    }
}
