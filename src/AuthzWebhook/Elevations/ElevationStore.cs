using Dapper;
using Npgsql;

namespace AuthzWebhook.Elevations;

/// <summary>
/// Elevations, approvals and history in Postgres. Changes run inside a transaction that first locks the elevation's row
/// (<c>FOR UPDATE</c>), so that concurrent approvals, rejections and revocations of one elevation happen one after
/// another and each sees the outcome of the one before.
/// </summary>
internal sealed class ElevationStore(NpgsqlDataSource dataSource)
{
    static ElevationStore() => DefaultTypeMap.MatchNamesWithUnderscores = true;

    public async Task<NpgsqlConnection> OpenAsync(CancellationToken cancellationToken) =>
        await dataSource.OpenConnectionAsync(cancellationToken).ConfigureAwait(false);

    /// <summary>Inserts a new elevation; returns null when the requester already used <paramref name="idempotencyKey"/>.</summary>
    public static async Task<Elevation?> InsertAsync(NpgsqlTransaction tx, Elevation e, string? idempotencyKey, string? requestHash, CancellationToken cancellationToken)
    {
        var row = await tx.Connection!.QuerySingleOrDefaultAsync<ElevationRow>(new CommandDefinition(
            $"""
            INSERT INTO elevations (id, state, template, requester, requester_groups, eligibility_group, namespaces, duration_seconds,
                                    reason, ticket, required_approvals, approval_round, pending_until, created_at, updated_at,
                                    activated_at, expires_at, idempotency_key, request_hash, template_fingerprint, requester_subject)
            VALUES (@Id, @State, @Template, @Requester, @RequesterGroups, @EligibilityGroup, @Namespaces, @DurationSeconds,
                    @Reason, @Ticket, @RequiredApprovals, 0, @PendingUntil, @CreatedAt, @CreatedAt,
                    @ActivatedAt, @ExpiresAt, @IdempotencyKey, @RequestHash, @TemplateFingerprint, @RequesterSubject)
            ON CONFLICT (requester, idempotency_key) DO NOTHING
            RETURNING {ElevationRow.Columns}
            """,
            new
            {
                e.Id,
                State = ElevationStates.ToName(e.State),
                e.Template,
                e.Requester,
                e.RequesterGroups,
                e.EligibilityGroup,
                e.Namespaces,
                DurationSeconds = (int)e.Duration.TotalSeconds,
                e.Reason,
                e.Ticket,
                e.RequiredApprovals,
                PendingUntil = e.PendingUntil?.UtcDateTime,
                CreatedAt = e.CreatedAt.UtcDateTime,
                ActivatedAt = e.ActivatedAt?.UtcDateTime,
                ExpiresAt = e.ExpiresAt?.UtcDateTime,
                IdempotencyKey = idempotencyKey,
                RequestHash = requestHash,
                e.TemplateFingerprint,
                e.RequesterSubject,
            },
            tx,
            cancellationToken: cancellationToken)).ConfigureAwait(false);
        return row?.ToElevation();
    }

    /// <summary>The elevation an earlier request with the same idempotency key created, and the hash of that request.</summary>
    public static async Task<(Elevation Elevation, string? RequestHash)?> FindByIdempotencyKeyAsync(NpgsqlTransaction tx, string requester, string key, CancellationToken cancellationToken)
    {
        var found = await tx.Connection!.QuerySingleOrDefaultAsync<ElevationRow>(new CommandDefinition(
            $"SELECT {ElevationRow.Columns}, request_hash FROM elevations WHERE requester = @requester AND idempotency_key = @key",
            new { requester, key },
            tx,
            cancellationToken: cancellationToken)).ConfigureAwait(false);
        return found is null ? null : (found.ToElevation(), found.RequestHash);
    }

    public static async Task<Elevation?> LockAsync(NpgsqlTransaction tx, Guid id, CancellationToken cancellationToken)
    {
        var row = await tx.Connection!.QuerySingleOrDefaultAsync<ElevationRow>(new CommandDefinition(
            $"SELECT {ElevationRow.Columns} FROM elevations WHERE id = @id FOR UPDATE",
            new { id },
            tx,
            cancellationToken: cancellationToken)).ConfigureAwait(false);
        return row?.ToElevation();
    }

    /// <summary>Elevations whose time is up, skipping rows another replica is already handling.</summary>
    public static async Task<IReadOnlyList<Elevation>> LockDueAsync(NpgsqlTransaction tx, DateTimeOffset now, int limit, CancellationToken cancellationToken)
    {
        var rows = await tx.Connection!.QueryAsync<ElevationRow>(new CommandDefinition(
            $"""
            SELECT {ElevationRow.Columns} FROM elevations
             WHERE (state = 'active' AND expires_at <= @now) OR (state = 'pending' AND pending_until <= @now)
             ORDER BY id
             LIMIT @limit
             FOR UPDATE SKIP LOCKED
            """,
            new { now = now.UtcDateTime, limit },
            tx,
            cancellationToken: cancellationToken)).ConfigureAwait(false);
        return [.. rows.Select(r => r.ToElevation())];
    }

    /// <summary>Writes every field that can change after creation and bumps the version.</summary>
    public static async Task<Elevation> UpdateAsync(NpgsqlTransaction tx, Elevation e, CancellationToken cancellationToken)
    {
        var row = await tx.Connection!.QuerySingleAsync<ElevationRow>(new CommandDefinition(
            $"""
            UPDATE elevations
               SET state = @State, required_approvals = @RequiredApprovals, approval_round = @ApprovalRound,
                   pending_until = @PendingUntil, extension_seconds = @ExtensionSeconds, extension_reason = @ExtensionReason,
                   updated_at = @UpdatedAt, activated_at = @ActivatedAt, expires_at = @ExpiresAt, ended_at = @EndedAt,
                   version = version + 1
             WHERE id = @Id
            RETURNING {ElevationRow.Columns}
            """,
            new
            {
                e.Id,
                State = ElevationStates.ToName(e.State),
                e.RequiredApprovals,
                e.ApprovalRound,
                PendingUntil = e.PendingUntil?.UtcDateTime,
                ExtensionSeconds = e.ExtensionDuration is { } x ? (int?)x.TotalSeconds : null,
                e.ExtensionReason,
                UpdatedAt = e.UpdatedAt.UtcDateTime,
                ActivatedAt = e.ActivatedAt?.UtcDateTime,
                ExpiresAt = e.ExpiresAt?.UtcDateTime,
                EndedAt = e.EndedAt?.UtcDateTime,
            },
            tx,
            cancellationToken: cancellationToken)).ConfigureAwait(false);
        return row.ToElevation();
    }

    public static Task AddHistoryAsync(NpgsqlTransaction tx, Guid elevationId, HistoryEntry entry, CancellationToken cancellationToken) =>
        tx.Connection!.ExecuteAsync(new CommandDefinition(
            """
            INSERT INTO elevation_history (elevation_id, at, actor, action, from_state, to_state, comment)
            VALUES (@elevationId, @At, @Actor, @Action, @FromState, @ToState, @Comment)
            """,
            new { elevationId, At = entry.At.UtcDateTime, entry.Actor, entry.Action, entry.FromState, entry.ToState, entry.Comment },
            tx,
            cancellationToken: cancellationToken));

    /// <summary>Records an approval; false when this approver already approved this round.</summary>
    public static async Task<bool> TryAddApprovalAsync(NpgsqlTransaction tx, ElevationApproval approval, CancellationToken cancellationToken) =>
        await tx.Connection!.ExecuteAsync(new CommandDefinition(
            """
            INSERT INTO elevation_approvals (elevation_id, round, approver, mfa, comment, approved_at, approver_groups, approver_subject)
            VALUES (@ElevationId, @Round, @Approver, @Mfa, @Comment, @ApprovedAt, @ApproverGroups, @ApproverSubject)
            ON CONFLICT DO NOTHING
            """,
            new
            {
                approval.ElevationId,
                approval.Round,
                approval.Approver,
                approval.Mfa,
                approval.Comment,
                ApprovedAt = approval.ApprovedAt.UtcDateTime,
                approval.ApproverGroups,
                approval.ApproverSubject,
            },
            tx,
            cancellationToken: cancellationToken)).ConfigureAwait(false) == 1;

    public static Task<int> CountApprovalsAsync(NpgsqlTransaction tx, Guid id, int round, CancellationToken cancellationToken) =>
        tx.Connection!.ExecuteScalarAsync<int>(new CommandDefinition(
            "SELECT count(*)::int FROM elevation_approvals WHERE elevation_id = @id AND round = @round",
            new { id, round },
            tx,
            cancellationToken: cancellationToken));

    public static async Task<IReadOnlyList<ElevationApproval>> ApprovalsAsync(NpgsqlConnection connection, NpgsqlTransaction? tx, Guid id, CancellationToken cancellationToken)
    {
        var rows = await connection.QueryAsync<ApprovalRow>(new CommandDefinition(
            "SELECT elevation_id, round, approver, mfa, comment, approved_at, approver_groups, approver_subject FROM elevation_approvals WHERE elevation_id = @id ORDER BY round, approved_at, approver",
            new { id },
            tx,
            cancellationToken: cancellationToken)).ConfigureAwait(false);
        return [.. rows.Select(r => new ElevationApproval(r.ElevationId, r.Round, r.Approver, r.Mfa, r.Comment, ElevationRow.Utc(r.ApprovedAt), r.ApproverGroups, r.ApproverSubject))];
    }

    public async Task<Elevation?> GetAsync(Guid id, CancellationToken cancellationToken)
    {
        await using var connection = await OpenAsync(cancellationToken).ConfigureAwait(false);
        var row = await connection.QuerySingleOrDefaultAsync<ElevationRow>(new CommandDefinition(
            $"SELECT {ElevationRow.Columns} FROM elevations WHERE id = @id",
            new { id },
            cancellationToken: cancellationToken)).ConfigureAwait(false);
        return row?.ToElevation();
    }

    /// <summary>
    /// History entries shown with one elevation, the latest ones: each extension adds entries and their number has no
    /// limit, so that a read stays within a stated memory bound (entries hold a comment of at most 2,000 characters).
    /// </summary>
    public const int MaxHistoryShown = 1000;

    /// <summary>One elevation with its approvals and its latest <see cref="MaxHistoryShown"/> history entries (oldest first), read in one snapshot.</summary>
    public async Task<(Elevation Elevation, IReadOnlyList<ElevationApproval> Approvals, IReadOnlyList<HistoryEntry> History, bool HistoryTruncated)?> GetDetailsAsync(Guid id, CancellationToken cancellationToken)
    {
        await using var connection = await OpenAsync(cancellationToken).ConfigureAwait(false);
        await using var tx = await connection.BeginTransactionAsync(System.Data.IsolationLevel.RepeatableRead, cancellationToken).ConfigureAwait(false);
        var row = await connection.QuerySingleOrDefaultAsync<ElevationRow>(new CommandDefinition(
            $"SELECT {ElevationRow.Columns} FROM elevations WHERE id = @id",
            new { id },
            tx,
            cancellationToken: cancellationToken)).ConfigureAwait(false);
        if (row is null)
        {
            return null;
        }

        var approvals = await ApprovalsAsync(connection, tx, id, cancellationToken).ConfigureAwait(false);
        var history = await connection.QueryAsync<HistoryRow>(new CommandDefinition(
            """
            SELECT at, actor, action, from_state, to_state, comment FROM (
                SELECT id, at, actor, action, from_state, to_state, comment FROM elevation_history
                 WHERE elevation_id = @id ORDER BY id DESC LIMIT @limit) latest
             ORDER BY id
            """,
            new { id, limit = MaxHistoryShown + 1 },
            tx,
            cancellationToken: cancellationToken)).ConfigureAwait(false);
        await tx.CommitAsync(cancellationToken).ConfigureAwait(false);
        // One more than shown is read, to know whether any were left out; it is the oldest, so it is the one dropped.
        var entries = history.ToList();
        var truncated = entries.Count > MaxHistoryShown;
        return (row.ToElevation(), approvals, [.. entries.Skip(truncated ? 1 : 0).Select(h => new HistoryEntry(ElevationRow.Utc(h.At), h.Actor, h.Action, h.FromState, h.ToState, h.Comment))], truncated);
    }

    public async Task<IReadOnlyList<Elevation>> ListAsync(ElevationListQuery query, CancellationToken cancellationToken)
    {
        await using var connection = await OpenAsync(cancellationToken).ConfigureAwait(false);
        // Each filter is either unset (NULL) or exact; the keyset condition continues after the previous page's last row;
        // the viewer's condition is ElevationViewer.CanSee.
        var rows = await connection.QueryAsync<ElevationRow>(new CommandDefinition(
            $"""
            SELECT {ElevationRow.Columns} FROM elevations
             WHERE (@state::text IS NULL OR state = @state)
               AND (@user::text IS NULL OR requester = @user)
               AND (@ticket::text IS NULL OR lower(ticket) = lower(@ticket))
               AND (@afterCreated::timestamptz IS NULL OR (created_at, id) < (@afterCreated, @afterId))
               AND (@viewer::text IS NULL OR lower(requester COLLATE "C") = lower(@viewer COLLATE "C") OR requester_subject = @viewerSubject::text OR template = ANY(@viewerTemplates))
             ORDER BY created_at DESC, id DESC
             LIMIT @limit
            """,
            new
            {
                state = query.State is { } s ? ElevationStates.ToName(s) : null,
                user = query.User,
                ticket = query.Ticket,
                afterCreated = query.After?.CreatedAt.UtcDateTime,
                afterId = query.After?.Id ?? Guid.Empty,
                limit = query.Limit,
                viewer = query.Viewer?.Username,
                viewerSubject = query.Viewer?.Subject,
                viewerTemplates = query.Viewer?.Templates ?? [],
            },
            cancellationToken: cancellationToken)).ConfigureAwait(false);
        return [.. rows.Select(r => r.ToElevation())];
    }

    private sealed class ApprovalRow
    {
        public Guid ElevationId { get; init; }

        public int Round { get; init; }

        public string Approver { get; init; } = string.Empty;

        public bool Mfa { get; init; }

        public string? Comment { get; init; }

        public DateTime ApprovedAt { get; init; }

        public string[] ApproverGroups { get; init; } = [];

        public string? ApproverSubject { get; init; }
    }

    private sealed class HistoryRow
    {
        public DateTime At { get; init; }

        public string Actor { get; init; } = string.Empty;

        public string Action { get; init; } = string.Empty;

        public string? FromState { get; init; }

        public string ToState { get; init; } = string.Empty;

        public string? Comment { get; init; }
    }
}
