namespace AuthzWebhook.Elevations;

/// <summary>The wire and database names of <see cref="ElevationState"/>.</summary>
internal static class ElevationStates
{
    public static string ToName(ElevationState state) => state switch
    {
        ElevationState.Pending => "pending",
        ElevationState.Active => "active",
        ElevationState.Rejected => "rejected",
        ElevationState.Cancelled => "cancelled",
        ElevationState.Expired => "expired",
        ElevationState.Revoked => "revoked",
        _ => throw new ArgumentOutOfRangeException(nameof(state), state, null),
    };

    public static bool TryParse(string? name, out ElevationState state)
    {
        foreach (var candidate in Enum.GetValues<ElevationState>())
        {
            if (string.Equals(ToName(candidate), name, StringComparison.Ordinal))
            {
                state = candidate;
                return true;
            }
        }

        state = default;
        return false;
    }
}
