using AuthzWebhook.Identity;
using AuthzWebhook.Notifications;
using AuthzWebhook.Observability;
using AuthzWebhook.Policy;
using AuthzWebhook.Windows;
using Microsoft.Extensions.Options;

namespace AuthzWebhook.Elevations;

/// <summary>
/// The lifecycle: request → approve → active → expired | revoked, and request → rejected | cancelled | expired.
/// Each operation is one Postgres transaction over the elevation's locked row; the window the decision path reads is
/// created, extended or revoked in that same transaction, and spread to every replica once it commits.
/// </summary>
internal sealed class ElevationService(
    ElevationStore store,
    PolicyProvider policy,
    WindowWriter windows,
    NotificationOutbox outbox,
    AuthzMetrics metrics,
    IOptions<ElevationOptions> options,
    TimeProvider timeProvider,
    ILogger<ElevationService> logger)
{
    public async Task<Outcome<CreatedElevation>> CreateAsync(CallerIdentity caller, CreateElevationBody body, string? idempotencyKey, CancellationToken cancellationToken)
    {
        var validated = ElevationRequestValidator.ValidateCreate(body, policy.Current, caller, options.Value);
        if (validated.Error is { } invalid)
        {
            return invalid;
        }

        var request = validated.Value!;
        var rule = request.Template.Approval;
        await using var scope = await BeginAsync(cancellationToken).ConfigureAwait(false);
        // Taken before the replay check too, so that a retry racing its original is answered as a replay, not counted.
        await PendingCap.LockAsync(scope.Transaction, caller, cancellationToken).ConfigureAwait(false);
        if (idempotencyKey is not null && await IdempotentReplay.FindAsync(scope, caller, idempotencyKey, request.Hash, cancellationToken).ConfigureAwait(false) is { } replay)
        {
            return replay;
        }

        // A request that auto-approves never waits for approvers, so only those that will are held to the cap.
        if (!rule.AutoApprove && await PendingCap.RefusalAsync(scope.Transaction, caller, options.Value.MaxPendingPerUser, cancellationToken).ConfigureAwait(false) is { } tooMany)
        {
            return tooMany;
        }

        if (request.Ticket is { } ticket)
        {
            // Held until commit: a close of this ticket either committed before (and is seen here) or waits for this
            // request and then finds it among the open ones.
            await TicketStore.LockAsync(scope.Transaction, ticket, cancellationToken).ConfigureAwait(false);
            if (await TicketStore.IsClosedAsync(scope.Transaction, ticket, cancellationToken).ConfigureAwait(false))
            {
                return ApiError.TicketClosed(ticket);
            }
        }

        var now = scope.Now;
        var pending = new Elevation(
            Guid.CreateVersion7(now), ElevationState.Pending, request.Template.Name, caller.Username, caller.Groups, request.EligibilityGroup,
            request.Namespaces, request.Duration, request.Reason, request.Ticket, rule.AutoApprove ? 0 : rule.RequiredApprovals, 0,
            now + (rule.MaxPending ?? options.Value.DefaultMaxPending), null, null, now, now, null, null, null, 1,
            TemplateFingerprint.Of(request.Template), caller.Subject);

        var inserted = await ElevationStore.InsertAsync(scope.Transaction, pending, idempotencyKey, request.Hash, cancellationToken).ConfigureAwait(false);
        if (inserted is null)
        {
            // Another request with the same key committed first; this one answers like a replay of it.
            return await IdempotentReplay.FindAsync(scope, caller, idempotencyKey!, request.Hash, cancellationToken).ConfigureAwait(false)
                ?? throw new InvalidOperationException("idempotency key conflict without a stored elevation");
        }

        await scope.RecordAsync(inserted, null, "requested", caller.Username, request.Reason, NotificationEvents.Requested, cancellationToken).ConfigureAwait(false);
        var result = inserted;
        if (rule.AutoApprove)
        {
            result = await scope.ActivateAsync(inserted, cancellationToken).ConfigureAwait(false);
            await scope.RecordAsync(result, ElevationState.Pending, "activated", "policy:auto-approve", null, NotificationEvents.Activated, cancellationToken).ConfigureAwait(false);
        }

        await scope.CommitAsync(cancellationToken).ConfigureAwait(false);
        return new CreatedElevation(result, Replayed: false);
    }

    public async Task<Outcome<Elevation>> ApproveAsync(Guid id, CallerIdentity caller, string? comment, CancellationToken cancellationToken)
    {
        // One policy for the whole decision: a reload half-way must not mix the rules of two versions.
        var current = policy.Current;
        await using var scope = await BeginAsync(cancellationToken).ConfigureAwait(false);
        var e = VisibleTo(caller, current, await scope.LockAsync(id, cancellationToken).ConfigureAwait(false));
        if (await ApprovalChecks.CheckDecidableAsync(scope, current, e, id, caller, "approve", cancellationToken).ConfigureAwait(false) is { } refused)
        {
            return refused;
        }

        var template = current.Templates[e!.Template];
        if (template.Approval.RequireMfa && !caller.HasMfa)
        {
            return ApiError.Forbidden(
                "mfa-required",
                "Multi-factor sign-in required",
                $"Approvals for '{template.Name}' must come from a token with multi-factor authentication (amr containing 'mfa'). Sign in again with MFA and retry.");
        }

        var earlier = (await ElevationStore.ApprovalsAsync(scope.Transaction.Connection!, scope.Transaction, e.Id, cancellationToken).ConfigureAwait(false))
            .Where(a => a.Round == e.ApprovalRound)
            .ToList();
        if (earlier.Any(a => caller.IsSamePerson(a.Approver, a.ApproverSubject)))
        {
            return ApiError.Conflict("already-approved", "Already approved", "You have already approved this; another approver must approve it.");
        }

        var approval = new ElevationApproval(e.Id, e.ApprovalRound, caller.Username, caller.HasMfa, comment, scope.Now, caller.Groups, caller.Subject);
        if (!await ElevationStore.TryAddApprovalAsync(scope.Transaction, approval, cancellationToken).ConfigureAwait(false))
        {
            return ApiError.Conflict("already-approved", "Already approved", "You have already approved this; another approver must approve it.");
        }

        // Only approvals the policy in force would accept now count: from its approver groups, with MFA when it asks
        // for it, never the requester's. An approval given under looser rules is kept in the history but not counted.
        earlier.Add(approval);
        var required = Math.Max(1, template.Approval.RequiredApprovals);
        var count = earlier.Count(a => ApprovalChecks.Counts(a, e, template));
        var updated = await ElevationStore.UpdateAsync(scope.Transaction, e with { RequiredApprovals = required, UpdatedAt = scope.Now }, cancellationToken).ConfigureAwait(false);
        var round = e.ExtensionDuration is null ? "approved" : "extension approved";
        await scope.RecordAsync(updated, e.State, round, caller.Username, comment, NotificationEvents.Approved, cancellationToken).ConfigureAwait(false);

        if (count >= required)
        {
            if (e.Ticket is { } ticket && await TicketStore.IsClosedAsync(scope.Transaction, ticket, cancellationToken).ConfigureAwait(false))
            {
                // The incident is over: the request ends here instead of granting.
                updated = await scope.EndAsync(updated, "system", $"ticket {ticket} is closed", cancellationToken).ConfigureAwait(false);
            }
            else if (e.State == ElevationState.Pending)
            {
                updated = await scope.ActivateAsync(updated, cancellationToken).ConfigureAwait(false);
                await scope.RecordAsync(updated, ElevationState.Pending, "activated", caller.Username, null, NotificationEvents.Activated, cancellationToken).ConfigureAwait(false);
            }
            else
            {
                updated = await scope.ExtendWindowAsync(updated, updated.ExtensionDuration!.Value, cancellationToken).ConfigureAwait(false);
                await scope.RecordAsync(updated, ElevationState.Active, "extended", caller.Username, null, NotificationEvents.Extended, cancellationToken).ConfigureAwait(false);
            }
        }

        await scope.CommitAsync(cancellationToken).ConfigureAwait(false);
        return updated;
    }

    public async Task<Outcome<Elevation>> RejectAsync(Guid id, CallerIdentity caller, string comment, CancellationToken cancellationToken)
    {
        var current = policy.Current;
        await using var scope = await BeginAsync(cancellationToken).ConfigureAwait(false);
        var e = VisibleTo(caller, current, await scope.LockAsync(id, cancellationToken).ConfigureAwait(false));
        if (await ApprovalChecks.CheckDecidableAsync(scope, current, e, id, caller, "reject", cancellationToken).ConfigureAwait(false) is { } refused)
        {
            return refused;
        }

        Elevation updated;
        if (e!.State == ElevationState.Pending)
        {
            updated = await ElevationStore.UpdateAsync(scope.Transaction, e with { State = ElevationState.Rejected, PendingUntil = null, UpdatedAt = scope.Now, EndedAt = scope.Now }, cancellationToken).ConfigureAwait(false);
            await scope.RecordAsync(updated, e.State, "rejected", caller.Username, comment, NotificationEvents.Rejected, cancellationToken).ConfigureAwait(false);
        }
        else
        {
            // A rejected extension leaves the elevation active until its current expiry.
            updated = await ElevationStore.UpdateAsync(scope.Transaction, e with { ExtensionDuration = null, ExtensionReason = null, UpdatedAt = scope.Now }, cancellationToken).ConfigureAwait(false);
            await scope.RecordAsync(updated, e.State, "extension rejected", caller.Username, comment, NotificationEvents.Rejected, cancellationToken).ConfigureAwait(false);
        }

        await scope.CommitAsync(cancellationToken).ConfigureAwait(false);
        return updated;
    }

    public async Task<Outcome<Elevation>> RevokeAsync(Guid id, CallerIdentity caller, string reason, CancellationToken cancellationToken)
    {
        var current = policy.Current;
        await using var scope = await BeginAsync(cancellationToken).ConfigureAwait(false);
        var e = VisibleTo(caller, current, await scope.LockAsync(id, cancellationToken).ConfigureAwait(false));
        if (e is null)
        {
            return ApiError.NotFound(id);
        }

        var approverGroups = current.Templates.TryGetValue(e.Template, out var template) ? template.Approval.ApproverGroups : [];
        var allowed = caller.IsAdmin || caller.IsSamePerson(e.Requester, e.RequesterSubject) || caller.InAnyOf(approverGroups);
        if (!allowed)
        {
            return ApiError.Forbidden(
                "not-allowed-to-revoke",
                "Not allowed to revoke",
                $"Only the requester ({e.Requester}), an approver of '{e.Template}' or an admin may revoke this elevation.");
        }

        if (!e.IsOpen || e.IsPastExpiryAt(scope.Now))
        {
            return ApiError.Conflict("not-open", "Nothing to revoke", $"This elevation is already {ElevationStates.ToName(e.State)}{(e.IsOpen ? " (its time is up)" : string.Empty)}; there is nothing to revoke.");
        }

        var updated = await scope.EndAsync(e, caller.Username, reason, cancellationToken).ConfigureAwait(false);
        await scope.CommitAsync(cancellationToken).ConfigureAwait(false);
        return updated;
    }

    public async Task<Outcome<Elevation>> ExtendAsync(Guid id, CallerIdentity caller, ExtendBody body, CancellationToken cancellationToken)
    {
        var current = policy.Current;
        await using var scope = await BeginAsync(cancellationToken).ConfigureAwait(false);
        var e = VisibleTo(caller, current, await scope.LockAsync(id, cancellationToken).ConfigureAwait(false));
        if (e is null)
        {
            return ApiError.NotFound(id);
        }

        var checkedExtension = ExtensionChecks.Check(e, caller, body, current, options.Value, scope.Now);
        if (checkedExtension.Error is { } refused)
        {
            return refused;
        }

        var (template, duration, reason) = checkedExtension.Value!;
        Elevation updated;
        if (template.Approval.ExtensionRequiresApproval && !template.Approval.AutoApprove)
        {
            updated = await ElevationStore.UpdateAsync(
                scope.Transaction,
                e with { ExtensionDuration = duration, ExtensionReason = reason, ApprovalRound = e.ApprovalRound + 1, RequiredApprovals = Math.Max(1, template.Approval.RequiredApprovals), UpdatedAt = scope.Now },
                cancellationToken).ConfigureAwait(false);
            await scope.RecordAsync(updated, e.State, "extension requested", caller.Username, $"{IsoDuration.Format(duration)} more: {reason}", NotificationEvents.Requested, cancellationToken).ConfigureAwait(false);
        }
        else
        {
            updated = await scope.ExtendWindowAsync(e, duration, cancellationToken).ConfigureAwait(false);
            await scope.RecordAsync(updated, e.State, "extended", caller.Username, $"{IsoDuration.Format(duration)} more: {reason}", NotificationEvents.Extended, cancellationToken).ConfigureAwait(false);
        }

        await scope.CommitAsync(cancellationToken).ConfigureAwait(false);
        return updated;
    }

    /// <summary>Ends every open elevation bound to <paramref name="ticket"/>: active ones are revoked, pending ones cancelled.</summary>
    public async Task<Outcome<IReadOnlyList<Elevation>>> CloseTicketAsync(string ticket, CallerIdentity caller, string reason, CancellationToken cancellationToken)
    {
        if (!caller.IsAdmin && !caller.IsIncidentTool)
        {
            return ApiError.Forbidden("not-allowed-to-close", "Not allowed to close tickets", "Closing a ticket revokes every elevation bound to it; only admins and the incident tool may do that. Revoke single elevations instead.");
        }

        await using var scope = await BeginAsync(cancellationToken).ConfigureAwait(false);
        // The ticket lock waits for requests naming the ticket that are still being written, so the scan below sees
        // them; requests that come later wait for this close and then see it. Approvals need no ticket lock: they hold
        // the elevation's row, which the scan locks too.
        await TicketStore.LockAsync(scope.Transaction, ticket, cancellationToken).ConfigureAwait(false);
        await TicketStore.CloseAsync(scope.Transaction, ticket, scope.Now, caller.Username, reason, cancellationToken).ConfigureAwait(false);
        var open = await TicketStore.LockOpenAsync(scope.Transaction, ticket, cancellationToken).ConfigureAwait(false);
        var ended = new List<Elevation>(open.Count);
        foreach (var e in open)
        {
            ended.Add(await scope.EndAsync(e, caller.Username, $"ticket {ticket} closed: {reason}", cancellationToken).ConfigureAwait(false));
        }

        await scope.CommitAsync(cancellationToken).ConfigureAwait(false);
        return ended;
    }

    /// <summary>Marks elevations whose time is up (active past expiry, pending past their deadline); returns how many.</summary>
    public async Task<int> ExpireDueAsync(int batch, CancellationToken cancellationToken)
    {
        await using var scope = await BeginAsync(cancellationToken).ConfigureAwait(false);
        var due = await ElevationStore.LockDueAsync(scope.Transaction, scope.Now, batch, cancellationToken).ConfigureAwait(false);
        foreach (var e in due)
        {
            var updated = await ElevationStore.UpdateAsync(
                scope.Transaction,
                e with { State = ElevationState.Expired, PendingUntil = null, ExtensionDuration = null, ExtensionReason = null, UpdatedAt = scope.Now, EndedAt = e.ExpiresAt ?? scope.Now },
                cancellationToken).ConfigureAwait(false);
            var action = e.State == ElevationState.Pending ? "timed out" : "expired";
            await scope.RecordAsync(updated, e.State, action, "system", null, NotificationEvents.Expired, cancellationToken).ConfigureAwait(false);
        }

        await scope.CommitAsync(cancellationToken).ConfigureAwait(false);
        return due.Count;
    }

    private Task<TransitionScope> BeginAsync(CancellationToken cancellationToken) =>
        TransitionScope.BeginAsync(store, timeProvider, windows, outbox, metrics, logger, cancellationToken);

    /// <summary>
    /// An elevation the caller may not read is, to them, one that does not exist: acting on it answers 404 as reading it
    /// does, so that no action confirms another person's elevation id.
    /// </summary>
    private Elevation? VisibleTo(CallerIdentity caller, AccessPolicy current, Elevation? e) =>
        e is not null && ElevationViewer.For(caller, current, options.Value) is { } viewer && !viewer.CanSee(e) ? null : e;
}
