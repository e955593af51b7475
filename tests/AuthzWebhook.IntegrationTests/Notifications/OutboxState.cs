namespace AuthzWebhook.IntegrationTests.Notifications;

/// <summary>A <c>notification_outbox</c> row as the tests inspect it.</summary>
public sealed class OutboxState
{
    public long Id { get; init; }

    public string Receiver { get; init; } = string.Empty;

    public string Event { get; init; } = string.Empty;

    public Guid ElevationId { get; init; }

    public int Attempts { get; init; }

    public DateTime NextAttemptAt { get; init; }

    public DateTime? LockedUntil { get; init; }

    public DateTime? DeliveredAt { get; init; }

    public DateTime? FailedAt { get; init; }

    public string? LastError { get; init; }

    public const string Select =
        "SELECT id, receiver, event, elevation_id AS elevationid, attempts, next_attempt_at AS nextattemptat, locked_until AS lockeduntil, " +
        "delivered_at AS deliveredat, failed_at AS failedat, last_error AS lasterror FROM notification_outbox";
}
