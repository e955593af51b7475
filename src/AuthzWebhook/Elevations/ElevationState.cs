namespace AuthzWebhook.Elevations;

/// <summary>
/// Where an elevation is in its life: pending → active → expired | revoked; pending → rejected | cancelled | expired
/// (not approved in time). Only pending and active elevations can still change.
/// </summary>
internal enum ElevationState
{
    Pending,
    Active,
    Rejected,
    Cancelled,
    Expired,
    Revoked,
}
