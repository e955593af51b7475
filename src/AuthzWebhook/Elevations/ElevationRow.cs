namespace AuthzWebhook.Elevations;

/// <summary>The <c>elevations</c> row as Dapper reads it; Npgsql returns timestamptz as UTC <see cref="DateTime"/>.</summary>
internal sealed class ElevationRow
{
    public const string Columns =
        "id, state, template, requester, requester_groups, eligibility_group, namespaces, duration_seconds, reason, ticket, " +
        "required_approvals, approval_round, pending_until, extension_seconds, extension_reason, created_at, updated_at, " +
        "activated_at, expires_at, ended_at, version, template_fingerprint, requester_subject";

    public Guid Id { get; init; }

    public string State { get; init; } = string.Empty;

    public string Template { get; init; } = string.Empty;

    public string Requester { get; init; } = string.Empty;

    public string[] RequesterGroups { get; init; } = [];

    public string EligibilityGroup { get; init; } = string.Empty;

    public string[] Namespaces { get; init; } = [];

    public int DurationSeconds { get; init; }

    public string Reason { get; init; } = string.Empty;

    public string? Ticket { get; init; }

    public int RequiredApprovals { get; init; }

    public int ApprovalRound { get; init; }

    public DateTime? PendingUntil { get; init; }

    public int? ExtensionSeconds { get; init; }

    public string? ExtensionReason { get; init; }

    public DateTime CreatedAt { get; init; }

    public DateTime UpdatedAt { get; init; }

    public DateTime? ActivatedAt { get; init; }

    public DateTime? ExpiresAt { get; init; }

    public DateTime? EndedAt { get; init; }

    public long Version { get; init; }

    public string? TemplateFingerprint { get; init; }

    public string? RequesterSubject { get; init; }

    /// <summary>Read only when checking an idempotency key.</summary>
    public string? RequestHash { get; init; }

    public Elevation ToElevation() => new(
        Id,
        ElevationStates.TryParse(State, out var state) ? state : throw new InvalidOperationException($"elevations row {Id} has state '{State}'"),
        Template,
        Requester,
        RequesterGroups,
        EligibilityGroup,
        Namespaces,
        TimeSpan.FromSeconds(DurationSeconds),
        Reason,
        Ticket,
        RequiredApprovals,
        ApprovalRound,
        Utc(PendingUntil),
        ExtensionSeconds is { } s ? TimeSpan.FromSeconds(s) : null,
        ExtensionReason,
        Utc(CreatedAt),
        Utc(UpdatedAt),
        Utc(ActivatedAt),
        Utc(ExpiresAt),
        Utc(EndedAt),
        Version,
        TemplateFingerprint,
        RequesterSubject);

    public static DateTimeOffset Utc(DateTime value) => new(DateTime.SpecifyKind(value, DateTimeKind.Utc));

    private static DateTimeOffset? Utc(DateTime? value) => value is { } v ? Utc(v) : null;
}
