using AuthzWebhook.Identity;

namespace AuthzWebhook.Elevations;

/// <summary>A request sent again with the same <c>Idempotency-Key</c> gets the first one's answer, never a second elevation.</summary>
internal static class IdempotentReplay
{
    /// <summary>The answer to a repeated request: the elevation the first one made, or 422 when the key came with a different body.</summary>
    public static async Task<Outcome<CreatedElevation>?> FindAsync(TransitionScope scope, CallerIdentity caller, string key, string hash, CancellationToken cancellationToken)
    {
        var earlier = await ElevationStore.FindByIdempotencyKeyAsync(scope.Transaction, caller.Username, key, cancellationToken).ConfigureAwait(false);
        if (earlier is not { } found)
        {
            return null;
        }

        return string.Equals(found.RequestHash, hash, StringComparison.Ordinal)
            ? new CreatedElevation(found.Elevation, Replayed: true)
            : new ApiError(
                StatusCodes.Status422UnprocessableEntity,
                "idempotency-key-reused",
                "Idempotency-Key already used for a different request",
                $"Your earlier request with this Idempotency-Key created elevation {found.Elevation.Id} with different content. Use a new key for a new request.");
    }
}
