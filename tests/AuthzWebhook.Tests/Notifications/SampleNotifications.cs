using System.Buffers;
using System.Text;
using System.Text.Encodings.Web;
using System.Text.Json;
using AuthzWebhook.Notifications;

namespace AuthzWebhook.Tests.Notifications;

/// <summary>One elevation through its lifecycle, and a way to compare JSON bodies exactly but readably.</summary>
internal static class SampleNotifications
{
    public static readonly Guid Id = Guid.Parse("0193a4c2-7d1e-7000-8000-000000004711");

    public static readonly DateTimeOffset RequestedAt = new(2026, 11, 27, 14, 0, 0, TimeSpan.Zero);

    public const string Link = "https://authz.example.com/elevations/{id}";

    public const string ElevationLink = "https://authz.example.com/elevations/0193a4c2-7d1e-7000-8000-000000004711";

    public static readonly NotificationElevation Pending = new(
        Id, "pending", "pod-debug", "alice", ["payments"], "PT30M", "debugging a stuck payout", "INC-4711", 2, 0, null, null);

    public static NotificationEvent Requested => new(NotificationEvents.Requested, RequestedAt, "alice", null, Pending);

    public static NotificationEvent Approved => new(NotificationEvents.Approved, RequestedAt.AddMinutes(5), "bob", null, Pending with { Approvals = 1 });

    public static NotificationEvent Activated => new(
        NotificationEvents.Activated,
        RequestedAt.AddMinutes(7),
        "carol",
        null,
        Pending with { State = "active", Approvals = 2, ActivatedAt = RequestedAt.AddMinutes(7), ExpiresAt = RequestedAt.AddMinutes(37) });

    public static NotificationEvent Revoked => new(
        NotificationEvents.Revoked,
        RequestedAt.AddMinutes(12),
        "carol",
        "payout fixed",
        Activated.Elevation with { State = "revoked" });

    /// <summary>The JSON as the formatters write it (no whitespace, relaxed escaping), so expectations can be laid out readably.</summary>
    public static string Compact(string json)
    {
        using var document = JsonDocument.Parse(json);
        var buffer = new ArrayBufferWriter<byte>();
        using (var writer = new Utf8JsonWriter(buffer, new JsonWriterOptions { Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping }))
        {
            document.WriteTo(writer);
        }

        return Encoding.UTF8.GetString(buffer.WrittenSpan);
    }
}
