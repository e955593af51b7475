using System.Text.Json.Serialization;

namespace AuthzWebhook.Elevations;

/// <summary>What closing a ticket ended: every elevation that was pending or active under it.</summary>
internal sealed record TicketClosedView(
    [property: JsonPropertyName("ticket")] string Ticket,
    [property: JsonPropertyName("ended")] ElevationView[] Ended);
