namespace AuthzWebhook.DecisionStore;

/// <summary>Something a verification noticed that is not a problem (a chain that begins or restarts), at a line of the input.</summary>
internal sealed record ChainNote(long Line, string Message);
