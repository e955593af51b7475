namespace AuthzWebhook.Notifications;

/// <summary>A <c>notification_outbox</c> row this replica has claimed, as Dapper reads it.</summary>
internal sealed class OutboxRow
{
    public long Id { get; init; }

    public string Receiver { get; init; } = string.Empty;

    public string Event { get; init; } = string.Empty;

    public string Payload { get; init; } = string.Empty;

    /// <summary>Attempts made before this one.</summary>
    public int Attempts { get; init; }

    /// <summary>This replica's claim, exactly as stored: outcomes are recorded only while the claim is still ours.</summary>
    public DateTime LockedUntil { get; init; }
}
