using AuthzWebhook.Windows;

namespace AuthzWebhook.Storage.Postgres;

/// <summary>The <c>elevation_windows</c> row as Dapper reads it; Npgsql returns timestamptz as UTC <see cref="DateTime"/>.</summary>
internal sealed class WindowRow
{
    public Guid Id { get; init; }

    public string SubjectKind { get; init; } = string.Empty;

    public string Subject { get; init; } = string.Empty;

    public string Template { get; init; } = string.Empty;

    public string[] Namespaces { get; init; } = [];

    public string EligibilityGroup { get; init; } = string.Empty;

    public DateTime StartsAt { get; init; }

    public DateTime ExpiresAt { get; init; }

    public DateTime? RevokedAt { get; init; }

    public long Version { get; init; }

    public const string Columns = "id, subject_kind, subject, template, namespaces, eligibility_group, starts_at, expires_at, revoked_at, version";

    public ElevationWindow ToWindow() => new(
        Id,
        SubjectKindNames.TryParse(SubjectKind, out var kind) ? kind : throw new InvalidOperationException($"elevation_windows row {Id} has subject_kind '{SubjectKind}'"),
        Subject,
        Template,
        Namespaces,
        EligibilityGroup,
        Utc(StartsAt),
        Utc(ExpiresAt),
        RevokedAt is { } revoked ? Utc(revoked) : null,
        Version);

    private static DateTimeOffset Utc(DateTime value) => new(DateTime.SpecifyKind(value, DateTimeKind.Utc));
}
