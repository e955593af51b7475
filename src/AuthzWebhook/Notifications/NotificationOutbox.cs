using System.Text.Json;
using AuthzWebhook.Hosting;
using Dapper;
using Microsoft.Extensions.Options;
using Npgsql;

namespace AuthzWebhook.Notifications;

/// <summary>
/// Queues a notification for every receiver subscribed to its event, in the caller's transaction: it is sent if and
/// only if the change commits, and survives restarts until delivered. Call <see cref="Nudge"/> after the commit.
/// </summary>
internal sealed class NotificationOutbox(NotificationSignal signal, TimeProvider timeProvider, IOptions<NotificationOptions> options)
{
    public async Task EnqueueAsync(NpgsqlConnection connection, NpgsqlTransaction transaction, NotificationEvent notification, CancellationToken cancellationToken)
    {
        if (!Array.Exists(NotificationEvents.All, e => string.Equals(e, notification.Event, StringComparison.Ordinal)))
        {
            throw new ArgumentException($"'{notification.Event}' is not a notification event; use NotificationEvents.", nameof(notification));
        }

        var receivers = options.Value.Receivers
            .Where(r => r.Events.Contains(notification.Event, StringComparer.Ordinal))
            .Select(r => r.Name)
            .ToArray();
        if (receivers.Length == 0)
        {
            return;
        }

        var now = timeProvider.GetUtcNow().UtcDateTime;
        await connection.ExecuteAsync(new CommandDefinition(
            """
            INSERT INTO notification_outbox (receiver, event, elevation_id, payload, created_at, next_attempt_at)
            SELECT receiver, @Event, @ElevationId, @Payload::jsonb, @Now, @Now FROM unnest(@Receivers) AS receiver
            """,
            new
            {
                notification.Event,
                ElevationId = notification.Elevation.Id,
                Payload = JsonSerializer.Serialize(notification, AuthzJsonContext.Default.NotificationEvent),
                Now = now,
                Receivers = receivers,
            },
            transaction,
            cancellationToken: cancellationToken)).ConfigureAwait(false);
    }

    /// <summary>Wakes this replica's dispatcher; call it after committing, so delivery does not wait for the next poll.</summary>
    public void Nudge() => signal.Set();
}
