using Microsoft.Extensions.Options;

namespace AuthzWebhook.DecisionStore;

/// <summary>
/// Stores a batch of records so that no record can hold back the others: when Postgres refuses the batch for good
/// (<see cref="PostgresRefusal"/>), the batch is halved until the refused records stand alone; the rest are stored and
/// the refused ones set aside, in <c>decisions_rejected</c> or, should Postgres refuse even that, in a file beside the
/// spool. Any other failure is passed on, and the whole batch is sent again later (what was stored is skipped then).
/// </summary>
internal sealed class DecisionDelivery(PostgresDecisionStore store, IOptions<DecisionStoreOptions> options, TimeProvider timeProvider)
{
    /// <summary>The file beside the spool that keeps refused records Postgres would not take even in decisions_rejected.</summary>
    public string RefusedPath { get; } = options.Value.SpoolPath + ".refused";

    /// <summary>Stores what Postgres takes and sets aside what it refuses for good; returns the records set aside and where they are kept.</summary>
    public async Task<(IReadOnlyList<RefusedDecision> Refused, string KeptIn)> StoreAsync(IReadOnlyList<PendingDecision> batch, CancellationToken cancellationToken)
    {
        var refused = new List<RefusedDecision>();
        await StoreOrSplitAsync(batch, refused, cancellationToken).ConfigureAwait(false);
        var keptIn = refused.Count > 0 ? await SetAsideAsync(refused, cancellationToken).ConfigureAwait(false) : string.Empty;
        return (refused, keptIn);
    }

    /// <summary>SQLSTATE data_exception: what a value that cannot even be sent (a time that does not parse) is recorded as.</summary>
    private const string DataException = "22000";

    /// <summary>In batch order: the first half is stored (or split) before the second.</summary>
    private async Task StoreOrSplitAsync(IReadOnlyList<PendingDecision> records, List<RefusedDecision> refused, CancellationToken cancellationToken)
    {
        (string SqlState, string Message) refusal;
        try
        {
            await store.WriteAsync(records, cancellationToken).ConfigureAwait(false);
            return;
        }
        catch (Npgsql.PostgresException ex) when (PostgresRefusal.IsForGood(ex))
        {
            refusal = (ex.SqlState, ex.MessageText);
        }
        catch (Exception ex) when (ex is FormatException or InvalidCastException or OverflowException)
        {
            // A value the client cannot convert (a spool line damaged into other valid JSON) fails the same way every
            // time: retried as if Postgres were down, it would hold back every later record for good.
            refusal = (DataException, ex.Message);
        }

        if (records.Count == 1)
        {
            refused.Add(new RefusedDecision(records[0], refusal.SqlState, refusal.Message));
            return;
        }

        var half = records.Count / 2;
        await StoreOrSplitAsync([.. records.Take(half)], refused, cancellationToken).ConfigureAwait(false);
        await StoreOrSplitAsync([.. records.Skip(half)], refused, cancellationToken).ConfigureAwait(false);
    }

    private async Task<string> SetAsideAsync(List<RefusedDecision> refused, CancellationToken cancellationToken)
    {
        try
        {
            await store.SetAsideAsync(refused, timeProvider.GetUtcNow(), cancellationToken).ConfigureAwait(false);
            return "decisions_rejected";
        }
        catch (Npgsql.PostgresException ex) when (PostgresRefusal.IsForGood(ex))
        {
            // Kept all the same, as spool lines, on the disk the spool already relies on; a failure to write them is
            // passed on like a failure to store, and the batch is tried again.
            using var file = new FileStream(RefusedPath, FileMode.Append, FileAccess.Write, FileShare.Read, bufferSize: 0);
            foreach (var record in refused)
            {
                file.Write(SpoolLine.Prefix(record.Pending.Run));
                file.Write(record.Pending.Line);
                file.Write("\n"u8);
            }

            file.Flush(flushToDisk: true);
            return RefusedPath;
        }
    }
}
