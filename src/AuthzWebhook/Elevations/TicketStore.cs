using Dapper;
using Npgsql;

namespace AuthzWebhook.Elevations;

/// <summary>
/// Tickets in Postgres: which are closed, and what is still open under one. A request naming a ticket and the close of
/// that ticket both take <see cref="LockAsync"/> first, so that one of them always sees what the other committed.
/// </summary>
internal static class TicketStore
{
    // The first key of the two-key advisory lock, so that ticket locks share no key with other locks of this service.
    private const int LockSpace = 0x54494B54;

    /// <summary>
    /// Holds the ticket (in any case) until the transaction ends. Without it a request could check "not closed", a
    /// close could then commit without seeing the still uncommitted request, and the request would activate under a
    /// closed ticket.
    /// </summary>
    public static Task LockAsync(NpgsqlTransaction tx, string ticket, CancellationToken cancellationToken) =>
        tx.Connection!.ExecuteAsync(new CommandDefinition(
            "SELECT pg_advisory_xact_lock(@space, hashtext(lower(@ticket)))",
            new { space = LockSpace, ticket },
            tx,
            cancellationToken: cancellationToken));

    /// <summary>Open elevations bound to a ticket, locked in id order so that concurrent closes cannot deadlock.</summary>
    public static async Task<IReadOnlyList<Elevation>> LockOpenAsync(NpgsqlTransaction tx, string ticket, CancellationToken cancellationToken)
    {
        var rows = await tx.Connection!.QueryAsync<ElevationRow>(new CommandDefinition(
            $"SELECT {ElevationRow.Columns} FROM elevations WHERE lower(ticket) = lower(@ticket) AND state IN ('pending', 'active') ORDER BY id FOR UPDATE",
            new { ticket },
            tx,
            cancellationToken: cancellationToken)).ConfigureAwait(false);
        return [.. rows.Select(r => r.ToElevation())];
    }

    /// <summary>True when <paramref name="ticket"/> (in any case) has been closed.</summary>
    public static Task<bool> IsClosedAsync(NpgsqlTransaction tx, string ticket, CancellationToken cancellationToken) =>
        tx.Connection!.ExecuteScalarAsync<bool>(new CommandDefinition(
            "SELECT EXISTS (SELECT 1 FROM closed_tickets WHERE ticket = lower(@ticket))",
            new { ticket },
            tx,
            cancellationToken: cancellationToken));

    /// <summary>Remembers that a ticket is closed; closing it again keeps the first record.</summary>
    public static Task CloseAsync(NpgsqlTransaction tx, string ticket, DateTimeOffset at, string actor, string reason, CancellationToken cancellationToken) =>
        tx.Connection!.ExecuteAsync(new CommandDefinition(
            "INSERT INTO closed_tickets (ticket, closed_at, closed_by, reason) VALUES (lower(@ticket), @at, @actor, @reason) ON CONFLICT DO NOTHING",
            new { ticket, at = at.UtcDateTime, actor, reason },
            tx,
            cancellationToken: cancellationToken));
}
