using AuthzWebhook.Notifications;
using AuthzWebhook.Observability;
using AuthzWebhook.Storage.Postgres;
using AuthzWebhook.Windows;
using Npgsql;

namespace AuthzWebhook.Elevations;

/// <summary>
/// One transaction that changes elevations: history rows and notifications are written inside it, and window changes
/// are spread to the index and Redis only after it commits, so that nothing is announced that Postgres does not hold.
/// Disposing without committing rolls everything back.
/// </summary>
internal sealed class TransitionScope : IAsyncDisposable
{
    private readonly NpgsqlConnection _connection;
    private readonly WindowWriter _windows;
    private readonly NotificationOutbox _outbox;
    private readonly AuthzMetrics _metrics;
    private readonly TimeProvider _timeProvider;
    private readonly ILogger _logger;
    private readonly List<ElevationWindow> _changedWindows = [];
    private readonly List<(Guid Id, string Template, string Action, string Actor, string? From, string To)> _transitions = [];

    private TransitionScope(
        NpgsqlConnection connection, NpgsqlTransaction transaction, DateTimeOffset now, TimeProvider timeProvider, WindowWriter windows, NotificationOutbox outbox, AuthzMetrics metrics, ILogger logger)
    {
        _timeProvider = timeProvider;
        _metrics = metrics;
        _connection = connection;
        Transaction = transaction;
        Now = now;
        _windows = windows;
        _outbox = outbox;
        _logger = logger;
    }

    public NpgsqlTransaction Transaction { get; }

    /// <summary>
    /// The instant of this change, at the microsecond precision Postgres keeps, so stored and returned times agree.
    /// Taken again once the elevation's row is locked: a change that waited for the lock must not act on the time
    /// before it waited (an extension must not revive a window that expired meanwhile).
    /// </summary>
    public DateTimeOffset Now { get; private set; }

    /// <summary>Locks the elevation's row for this transaction and takes <see cref="Now"/> afresh.</summary>
    public async Task<Elevation?> LockAsync(Guid id, CancellationToken cancellationToken)
    {
        var elevation = await ElevationStore.LockAsync(Transaction, id, cancellationToken).ConfigureAwait(false);
        Now = Truncate(_timeProvider.GetUtcNow());
        return elevation;
    }

    private static DateTimeOffset Truncate(DateTimeOffset value) => value.AddTicks(-(value.UtcTicks % 10));

    public static async Task<TransitionScope> BeginAsync(
        ElevationStore store, TimeProvider timeProvider, WindowWriter windows, NotificationOutbox outbox, AuthzMetrics metrics, ILogger logger, CancellationToken cancellationToken)
    {
        var connection = await store.OpenAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            var transaction = await connection.BeginTransactionAsync(System.Data.IsolationLevel.ReadCommitted, cancellationToken).ConfigureAwait(false);
            return new TransitionScope(connection, transaction, Truncate(timeProvider.GetUtcNow()), timeProvider, windows, outbox, metrics, logger);
        }
        catch
        {
            await connection.DisposeAsync().ConfigureAwait(false);
            throw;
        }
    }

    /// <summary>Writes a history row and, when <paramref name="notification"/> is set, queues that notification.</summary>
    public async Task RecordAsync(Elevation after, ElevationState? from, string action, string actor, string? comment, string? notification, CancellationToken cancellationToken)
    {
        var fromName = from is { } f ? ElevationStates.ToName(f) : null;
        var toName = ElevationStates.ToName(after.State);
        await ElevationStore.AddHistoryAsync(Transaction, after.Id, new HistoryEntry(Now, actor, action, fromName, toName, comment), cancellationToken).ConfigureAwait(false);
        if (notification is not null)
        {
            var approvals = await ElevationStore.CountApprovalsAsync(Transaction, after.Id, after.ApprovalRound, cancellationToken).ConfigureAwait(false);
            await _outbox.EnqueueAsync(_connection, Transaction, NotificationFor(after, notification, actor, comment, approvals), cancellationToken).ConfigureAwait(false);
        }

        _transitions.Add((after.Id, after.Template, action, actor, fromName, toName));
    }

    /// <summary>Activates a pending elevation: its window starts now and runs for the requested duration.</summary>
    public async Task<Elevation> ActivateAsync(Elevation e, CancellationToken cancellationToken)
    {
        var expires = Now + e.Duration;
        var window = await PostgresWindowStore.InsertAsync(
            Transaction.Connection!,
            Transaction,
            new ElevationWindow(e.Id, SubjectKind.User, e.Requester, e.Template, e.Namespaces, e.EligibilityGroup, Now, expires, null, 1),
            cancellationToken).ConfigureAwait(false);
        _changedWindows.Add(window);
        return await ElevationStore.UpdateAsync(
            Transaction,
            e with { State = ElevationState.Active, ActivatedAt = Now, ExpiresAt = expires, PendingUntil = null, UpdatedAt = Now },
            cancellationToken).ConfigureAwait(false);
    }

    /// <summary>Moves an active elevation's expiry, and its window's, by <paramref name="by"/>.</summary>
    public async Task<Elevation> ExtendWindowAsync(Elevation e, TimeSpan by, CancellationToken cancellationToken)
    {
        var expires = e.ExpiresAt!.Value + by;
        var window = await PostgresWindowStore.SetExpiryAsync(Transaction.Connection!, Transaction, e.Id, expires, cancellationToken).ConfigureAwait(false)
            ?? throw new InvalidOperationException($"elevation {e.Id} is active but its window is missing or revoked");
        _changedWindows.Add(window);
        return await ElevationStore.UpdateAsync(
            Transaction,
            e with { ExpiresAt = expires, ExtensionDuration = null, ExtensionReason = null, UpdatedAt = Now },
            cancellationToken).ConfigureAwait(false);
    }

    /// <summary>Revokes an active elevation (and its window) or cancels a pending one.</summary>
    public async Task<Elevation> EndAsync(Elevation e, string actor, string reason, CancellationToken cancellationToken)
    {
        var active = e.State == ElevationState.Active;
        if (active && await PostgresWindowStore.RevokeAsync(Transaction.Connection!, Transaction, e.Id, Now, cancellationToken).ConfigureAwait(false) is { } window)
        {
            _changedWindows.Add(window);
        }

        var updated = await ElevationStore.UpdateAsync(
            Transaction,
            e with { State = active ? ElevationState.Revoked : ElevationState.Cancelled, PendingUntil = null, ExtensionDuration = null, ExtensionReason = null, UpdatedAt = Now, EndedAt = Now },
            cancellationToken).ConfigureAwait(false);
        await RecordAsync(updated, e.State, active ? "revoked" : "cancelled", actor, reason, active ? NotificationEvents.Revoked : NotificationEvents.Cancelled, cancellationToken).ConfigureAwait(false);
        return updated;
    }

    public async Task CommitAsync(CancellationToken cancellationToken)
    {
        await Transaction.CommitAsync(cancellationToken).ConfigureAwait(false);
        foreach (var (id, template, action, actor, from, to) in _transitions)
        {
            Log.Transition(_logger, id, action, actor, from, to);
            _metrics.RecordTransition(action, template);
        }

        // Committed: the change stands even if this request is cancelled now, so spreading it must not be cancelled
        // either, and one window failing to spread must not keep the others (a ticket close) from it. Replicas that
        // miss an announcement still get the change from Postgres on their next reconcile.
        foreach (var window in _changedWindows)
        {
            try
            {
                await _windows.PropagateAsync(window, CancellationToken.None).ConfigureAwait(false);
            }
#pragma warning disable CA1031 // See above: the change is committed; a failure here only delays other replicas.
            catch (Exception ex)
#pragma warning restore CA1031
            {
                Log.PropagationFailed(_logger, window.Id, ex);
            }
        }

        if (_transitions.Count > 0)
        {
            _outbox.Nudge();
        }
    }

    public async ValueTask DisposeAsync()
    {
        await Transaction.DisposeAsync().ConfigureAwait(false);
        await _connection.DisposeAsync().ConfigureAwait(false);
    }

    private NotificationEvent NotificationFor(Elevation e, string notification, string actor, string? comment, int approvals) =>
        new(notification, Now, actor, comment, new NotificationElevation(
            e.Id,
            ElevationStates.ToName(e.State),
            e.Template,
            e.Requester,
            e.Namespaces,
            Policy.IsoDuration.Format(e.Duration),
            e.Reason,
            e.Ticket,
            e.RequiredApprovals,
            approvals,
            e.ActivatedAt,
            e.ExpiresAt));
}
