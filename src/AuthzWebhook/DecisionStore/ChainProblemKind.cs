namespace AuthzWebhook.DecisionStore;

internal enum ChainProblemKind
{
    /// <summary>A record no longer matches its own hash: it was changed after it was written.</summary>
    Edit,

    /// <summary>Records are missing between two that are present.</summary>
    Gap,

    /// <summary>Records are out of order or repeated, or a record does not link to the one before it.</summary>
    Reorder,

    /// <summary>A line that is not a chained decision record.</summary>
    Malformed,
}
