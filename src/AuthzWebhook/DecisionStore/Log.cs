namespace AuthzWebhook.DecisionStore;

internal static partial class Log
{
    [LoggerMessage(9001, LogLevel.Error, "Decision records cannot be stored in Postgres; they are kept (memory, then spool file) and delivered when it is back. Backlog: {Backlog}")]
    public static partial void StoreUnavailable(ILogger logger, long backlog, Exception exception);

    [LoggerMessage(9002, LogLevel.Information, "Decision records reach Postgres again; backlog: {Backlog}")]
    public static partial void StoreRecovered(ILogger logger, long backlog);

    [LoggerMessage(9003, LogLevel.Warning, "Delivering decision records at shutdown failed; the rest is spooled for the next start")]
    public static partial void StoreFlushFailed(ILogger logger, Exception exception);

    [LoggerMessage(9004, LogLevel.Warning, "Decision partition maintenance failed; records still land in the default partition, and it is retried")]
    public static partial void PartitionMaintenanceFailed(ILogger logger, Exception exception);

    [LoggerMessage(9005, LogLevel.Information, "Dropped decision partition {Partition} (older than {RetentionDays} days)")]
    public static partial void PartitionDropped(ILogger logger, string partition, int retentionDays);

    [LoggerMessage(9006, LogLevel.Error, "{Lines} lines of the decision spool before offset {SpoolEnd} could not be read back (torn by a crash, or damaged) and were skipped; the records they held are on stdout only")]
    public static partial void SpoolLinesUnreadable(ILogger logger, int lines, long spoolEnd);

    [LoggerMessage(9007, LogLevel.Error, "The decision spool could not be synced to disk; records written since the last sync are with the operating system only until a sync succeeds (retried each second)")]
    public static partial void SpoolSyncFailed(ILogger logger, Exception exception);

    [LoggerMessage(9008, LogLevel.Error, "Stored decision records could not be cleared from the spool file (offset, compaction or removal); the records are in Postgres, the file keeps them until a later batch succeeds")]
    public static partial void SpoolSettleFailed(ILogger logger, Exception exception);

    [LoggerMessage(9009, LogLevel.Error, "Decision record {DecisionId} (instance {Instance}, chain seq {Seq}) was refused by Postgres for good (SQLSTATE {SqlState}: {Error}); it is set aside in {KeptIn} and the records behind it are delivered")]
    public static partial void RecordRefused(ILogger logger, Guid decisionId, string instance, long seq, string sqlState, string error, string keptIn);
}
