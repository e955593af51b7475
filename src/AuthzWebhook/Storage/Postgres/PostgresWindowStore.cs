using AuthzWebhook.Windows;
using Dapper;
using Npgsql;

namespace AuthzWebhook.Storage.Postgres;

/// <summary>Elevation windows in Postgres, the source of truth. Every change bumps the row's version.</summary>
internal sealed class PostgresWindowStore(NpgsqlDataSource dataSource)
{
    static PostgresWindowStore() => DefaultTypeMap.MatchNamesWithUnderscores = true;

    /// <summary>Every window that has not expired at <paramref name="now"/>, revoked ones included (replicas keep them as tombstones).</summary>
    public async Task<IReadOnlyList<ElevationWindow>> LoadUnexpiredAsync(DateTimeOffset now, CancellationToken cancellationToken)
    {
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken).ConfigureAwait(false);
        var rows = await connection.QueryAsync<WindowRow>(new CommandDefinition(
            $"SELECT {WindowRow.Columns} FROM elevation_windows WHERE expires_at > @now",
            new { now = now.UtcDateTime },
            cancellationToken: cancellationToken)).ConfigureAwait(false);
        return [.. rows.Select(r => r.ToWindow())];
    }

    public async Task<ElevationWindow?> GetAsync(Guid id, CancellationToken cancellationToken)
    {
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken).ConfigureAwait(false);
        var row = await connection.QuerySingleOrDefaultAsync<WindowRow>(new CommandDefinition(
            $"SELECT {WindowRow.Columns} FROM elevation_windows WHERE id = @id",
            new { id },
            cancellationToken: cancellationToken)).ConfigureAwait(false);
        return row?.ToWindow();
    }

    public async Task<ElevationWindow> InsertAsync(ElevationWindow window, CancellationToken cancellationToken)
    {
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken).ConfigureAwait(false);
        return await InsertAsync(connection, null, window, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>Inserts within the caller's transaction, so that an elevation and its window change together.</summary>
    public static async Task<ElevationWindow> InsertAsync(NpgsqlConnection connection, NpgsqlTransaction? transaction, ElevationWindow window, CancellationToken cancellationToken)
    {
        var row = await connection.QuerySingleAsync<WindowRow>(new CommandDefinition(
            $"""
            INSERT INTO elevation_windows (id, subject_kind, subject, template, namespaces, eligibility_group, starts_at, expires_at)
            VALUES (@Id, @SubjectKind, @Subject, @Template, @Namespaces, @EligibilityGroup, @StartsAt, @ExpiresAt)
            RETURNING {WindowRow.Columns}
            """,
            new
            {
                window.Id,
                SubjectKind = SubjectKindNames.ToName(window.SubjectKind),
                window.Subject,
                window.Template,
                window.Namespaces,
                window.EligibilityGroup,
                StartsAt = window.StartsAt.UtcDateTime,
                ExpiresAt = window.ExpiresAt.UtcDateTime,
            },
            transaction,
            cancellationToken: cancellationToken)).ConfigureAwait(false);
        return row.ToWindow();
    }

    /// <summary>Revokes a window that is not revoked yet; returns the new row, or null when there was nothing to revoke.</summary>
    public Task<ElevationWindow?> RevokeAsync(Guid id, DateTimeOffset at, CancellationToken cancellationToken) =>
        UpdateLiveAsync("revoked_at = @value", id, at, cancellationToken);

    /// <summary>Moves the expiry of a live window; returns the new row, or null when the window is revoked or gone.</summary>
    public Task<ElevationWindow?> SetExpiryAsync(Guid id, DateTimeOffset expiresAt, CancellationToken cancellationToken) =>
        UpdateLiveAsync("expires_at = @value", id, expiresAt, cancellationToken);

    /// <summary>Revokes within the caller's transaction; null when the window is already revoked or does not exist.</summary>
    public static Task<ElevationWindow?> RevokeAsync(NpgsqlConnection connection, NpgsqlTransaction transaction, Guid id, DateTimeOffset at, CancellationToken cancellationToken) =>
        UpdateLiveAsync(connection, transaction, "revoked_at = @value", id, at, cancellationToken);

    /// <summary>Moves the expiry within the caller's transaction; null when the window is revoked or does not exist.</summary>
    public static Task<ElevationWindow?> SetExpiryAsync(NpgsqlConnection connection, NpgsqlTransaction transaction, Guid id, DateTimeOffset expiresAt, CancellationToken cancellationToken) =>
        UpdateLiveAsync(connection, transaction, "expires_at = @value", id, expiresAt, cancellationToken);

    private async Task<ElevationWindow?> UpdateLiveAsync(string assignment, Guid id, DateTimeOffset value, CancellationToken cancellationToken)
    {
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken).ConfigureAwait(false);
        return await UpdateLiveAsync(connection, null, assignment, id, value, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>Applies <paramref name="assignment"/> (a constant SQL fragment, never input) to a window not yet revoked, bumping its version.</summary>
    private static async Task<ElevationWindow?> UpdateLiveAsync(NpgsqlConnection connection, NpgsqlTransaction? transaction, string assignment, Guid id, DateTimeOffset value, CancellationToken cancellationToken)
    {
        var row = await connection.QuerySingleOrDefaultAsync<WindowRow>(new CommandDefinition(
            $"""
            UPDATE elevation_windows
               SET {assignment}, version = version + 1, updated_at = now()
             WHERE id = @id AND revoked_at IS NULL
            RETURNING {WindowRow.Columns}
            """,
            new { id, value = value.UtcDateTime },
            transaction,
            cancellationToken: cancellationToken)).ConfigureAwait(false);
        return row?.ToWindow();
    }
}
