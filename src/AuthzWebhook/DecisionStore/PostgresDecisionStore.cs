using Npgsql;
using NpgsqlTypes;

namespace AuthzWebhook.DecisionStore;

/// <summary>
/// Writes batches of decision records with binary COPY into a per-connection staging table, then moves them into
/// <c>decisions</c> in the same transaction, skipping records already stored: a batch sent again after a lost
/// acknowledgement or a crash is harmless. Records Postgres refuses for good are kept aside in <c>decisions_rejected</c>.
/// </summary>
internal sealed class PostgresDecisionStore(NpgsqlDataSource dataSource)
{
    public async Task WriteAsync(IReadOnlyList<PendingDecision> batch, CancellationToken cancellationToken)
    {
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken).ConfigureAwait(false);
        await using var transaction = await connection.BeginTransactionAsync(cancellationToken).ConfigureAwait(false);
        await using (var create = new NpgsqlCommand(
            "CREATE TEMP TABLE IF NOT EXISTS decisions_stage (LIKE decisions) ON COMMIT DELETE ROWS", connection, transaction))
        {
            await create.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
        }

        await using (var copy = await connection.BeginBinaryImportAsync(
            "COPY decisions_stage (decision_id, time, instance, run, seq, prev, hash, decision, user_name, elevation_id, template, degraded, record) FROM STDIN (FORMAT BINARY)",
            cancellationToken).ConfigureAwait(false))
        {
            foreach (var pending in batch)
            {
                var r = pending.Record;
                await copy.StartRowAsync(cancellationToken).ConfigureAwait(false);
                await copy.WriteAsync(r.DecisionId, NpgsqlDbType.Uuid, cancellationToken).ConfigureAwait(false);
                await copy.WriteAsync(DateTime.Parse(r.Time, System.Globalization.CultureInfo.InvariantCulture, System.Globalization.DateTimeStyles.AdjustToUniversal | System.Globalization.DateTimeStyles.AssumeUniversal), NpgsqlDbType.TimestampTz, cancellationToken).ConfigureAwait(false);
                await copy.WriteAsync(r.Instance, NpgsqlDbType.Text, cancellationToken).ConfigureAwait(false);
                await copy.WriteAsync(pending.Run, NpgsqlDbType.Uuid, cancellationToken).ConfigureAwait(false);
                await copy.WriteAsync(r.Chain!.Seq, NpgsqlDbType.Bigint, cancellationToken).ConfigureAwait(false);
                await copy.WriteAsync(r.Chain.Prev, NpgsqlDbType.Text, cancellationToken).ConfigureAwait(false);
                await copy.WriteAsync(r.Chain.Hash, NpgsqlDbType.Text, cancellationToken).ConfigureAwait(false);
                await copy.WriteAsync(r.Decision, NpgsqlDbType.Text, cancellationToken).ConfigureAwait(false);
                await copy.WriteAsync(r.User.Name, NpgsqlDbType.Text, cancellationToken).ConfigureAwait(false);
                if (r.ElevationId is { } elevation)
                {
                    await copy.WriteAsync(elevation, NpgsqlDbType.Uuid, cancellationToken).ConfigureAwait(false);
                }
                else
                {
                    await copy.WriteNullAsync(cancellationToken).ConfigureAwait(false);
                }

                if (r.Template is { } template)
                {
                    await copy.WriteAsync(template, NpgsqlDbType.Text, cancellationToken).ConfigureAwait(false);
                }
                else
                {
                    await copy.WriteNullAsync(cancellationToken).ConfigureAwait(false);
                }

                await copy.WriteAsync(r.Degraded, NpgsqlDbType.Boolean, cancellationToken).ConfigureAwait(false);
                await copy.WriteAsync(pending.Line, NpgsqlDbType.Json, cancellationToken).ConfigureAwait(false);
            }

            await copy.CompleteAsync(cancellationToken).ConfigureAwait(false);
        }

        await using (var move = new NpgsqlCommand("INSERT INTO decisions SELECT * FROM decisions_stage ON CONFLICT DO NOTHING", connection, transaction))
        {
            await move.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
        }

        await transaction.CommitAsync(cancellationToken).ConfigureAwait(false);
    }

    /// <summary>
    /// Keeps refused records in <c>decisions_rejected</c>, each line as bytes with its refusal; one sent again is kept
    /// once.
    /// </summary>
    public async Task SetAsideAsync(IReadOnlyList<RefusedDecision> refused, DateTimeOffset rejectedAt, CancellationToken cancellationToken)
    {
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken).ConfigureAwait(false);
        await using var command = new NpgsqlCommand(
            """
            INSERT INTO decisions_rejected (decision_id, instance, run, seq, rejected_at, sqlstate, error, line)
            SELECT r.id, r.instance, r.run, r.seq, @rejectedAt, r.sqlstate, r.error, r.line
              FROM unnest(@ids, @instances, @runs, @seqs, @sqlstates, @errors, @lines) AS r(id, instance, run, seq, sqlstate, error, line)
            ON CONFLICT (decision_id) DO NOTHING
            """,
            connection);
        command.Parameters.AddWithValue("ids", refused.Select(r => r.Pending.Record.DecisionId).ToArray());
        command.Parameters.AddWithValue("instances", refused.Select(r => r.Pending.Record.Instance).ToArray());
        command.Parameters.AddWithValue("runs", refused.Select(r => r.Pending.Run).ToArray());
        command.Parameters.AddWithValue("seqs", refused.Select(r => r.Pending.Record.Chain?.Seq ?? 0).ToArray());
        command.Parameters.AddWithValue("rejectedAt", rejectedAt.UtcDateTime);
        command.Parameters.AddWithValue("sqlstates", refused.Select(r => r.SqlState).ToArray());
        command.Parameters.AddWithValue("errors", refused.Select(r => r.Error).ToArray());
        command.Parameters.AddWithValue("lines", refused.Select(r => r.Pending.Line).ToArray());
        await command.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
    }
}
