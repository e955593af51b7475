namespace AuthzWebhook.DecisionStore;

/// <summary>
/// Lines read back from the spool: the records they hold, the file offset after them, how many lines they were, and
/// how many of those could not be read back (torn or damaged) and hold no record.
/// </summary>
internal sealed record SpoolRead(List<PendingDecision> Records, long End, int Lines, int Unreadable);
