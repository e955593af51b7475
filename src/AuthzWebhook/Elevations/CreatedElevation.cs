namespace AuthzWebhook.Elevations;

/// <summary>The result of a create: the elevation, and whether it was made earlier by a request with the same idempotency key.</summary>
internal sealed record CreatedElevation(Elevation Elevation, bool Replayed);
