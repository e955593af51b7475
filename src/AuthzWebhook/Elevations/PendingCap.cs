using AuthzWebhook.Identity;
using Dapper;
using Npgsql;

namespace AuthzWebhook.Elevations;

/// <summary>
/// <see cref="ElevationOptions.MaxPendingPerUser"/>: how many requests one person may keep waiting for approval. The
/// count is taken inside the creating transaction under a lock on the person, so parallel requests cannot pass it.
/// Usernames are folded with the C collation (ASCII letters only), whatever the database's collation: a locale's
/// wider folding would let a lookalike name (the Kelvin sign for K) count against, and block, someone else.
/// </summary>
internal static class PendingCap
{
    // First keys of the two-key advisory locks, so that these share no key with other locks of this service.
    private const int UsernameLockSpace = 0x52455155;
    private const int SubjectLockSpace = 0x52455153;

    /// <summary>
    /// Holds the requester until the transaction ends, so that their requests are counted one after another. The
    /// username (in any case) and the subject are both held, always in that order so that no two requests wait on each
    /// other, because the count finds a person under either.
    /// </summary>
    public static async Task LockAsync(NpgsqlTransaction tx, CallerIdentity caller, CancellationToken cancellationToken)
    {
        await tx.Connection!.ExecuteAsync(new CommandDefinition(
            "SELECT pg_advisory_xact_lock(@space, hashtext(lower(@username COLLATE \"C\")))",
            new { space = UsernameLockSpace, username = caller.Username },
            tx,
            cancellationToken: cancellationToken)).ConfigureAwait(false);
        if (caller.Subject is { } subject)
        {
            await tx.Connection!.ExecuteAsync(new CommandDefinition(
                "SELECT pg_advisory_xact_lock(@space, hashtext(@subject))",
                new { space = SubjectLockSpace, subject },
                tx,
                cancellationToken: cancellationToken)).ConfigureAwait(false);
        }
    }

    /// <summary>The refusal when the caller already has <paramref name="max"/> requests waiting; call after <see cref="LockAsync"/>.</summary>
    public static async Task<ApiError?> RefusalAsync(NpgsqlTransaction tx, CallerIdentity caller, int max, CancellationToken cancellationToken)
    {
        var open = await tx.Connection!.ExecuteScalarAsync<int>(new CommandDefinition(
            "SELECT count(*)::int FROM elevations WHERE state = 'pending' AND (lower(requester COLLATE \"C\") = lower(@username COLLATE \"C\") OR requester_subject = @subject)",
            new { username = caller.Username, subject = caller.Subject },
            tx,
            cancellationToken: cancellationToken)).ConfigureAwait(false);
        return open >= max ? ApiError.TooManyPending(open, max, caller.Username) : null;
    }
}
