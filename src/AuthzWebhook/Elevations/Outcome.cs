namespace AuthzWebhook.Elevations;

/// <summary>What a lifecycle operation did: the elevation after it, or why it was refused (and then nothing changed).</summary>
internal readonly record struct Outcome<T>(T? Value, ApiError? Error)
    where T : class
{
    public static implicit operator Outcome<T>(T value) => new(value, null);

    public static implicit operator Outcome<T>(ApiError error) => new(null, error);
}
