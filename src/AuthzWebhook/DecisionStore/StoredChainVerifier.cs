using System.Data;
using System.Text;
using Microsoft.Extensions.Options;
using Npgsql;
using NpgsqlTypes;

namespace AuthzWebhook.DecisionStore;

/// <summary>
/// Verifies the stored records of a time range in chain order (instance, run, seq), streaming them from Postgres in
/// keyset chunks with a sequential reader: one record is in memory at a time, and each call stops at a row and byte
/// bound with a cursor to go on. A continuation starts from where the cursor's chain stood, so the link across the page
/// boundary is checked like any other.
/// </summary>
internal sealed class StoredChainVerifier(NpgsqlDataSource dataSource, IOptions<AuditReadOptions> options)
{
    /// <summary>Problems and notes reported per call; more are counted only (the row bound keeps even those cheap).</summary>
    public const int MaxReported = 1000;

    // Short queries: a chunk that is cut short by the byte bound leaves little for Npgsql to read past and discard.
    private const int ChunkRows = 1000;

    /// <summary>
    /// Whether the record a cursor continues from is still stored in its range with the hash the cursor carries: a
    /// cursor that was made up, or whose record is gone (retention dropped its day), cannot silently skip a link.
    /// </summary>
    public async Task<bool> IsStoredAsync(VerifyCursor cursor, CancellationToken cancellationToken)
    {
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken).ConfigureAwait(false);
        await using var command = new NpgsqlCommand(
            """
            SELECT EXISTS (SELECT 1 FROM decisions
                            WHERE time >= @since AND time < @until AND instance = @instance AND run = @run AND seq = @seq
                              AND (@prev::text IS NULL OR (record -> 'chain' ->> 'hash') = @prev))
            """,
            connection);
        command.Parameters.AddWithValue("since", cursor.Since.UtcDateTime);
        command.Parameters.AddWithValue("until", cursor.Until.UtcDateTime);
        command.Parameters.AddWithValue("instance", cursor.AfterInstance);
        command.Parameters.AddWithValue("run", cursor.AfterRun);
        command.Parameters.AddWithValue("seq", cursor.AfterSeq);
        command.Parameters.Add(new NpgsqlParameter("prev", NpgsqlDbType.Text) { Value = (object?)cursor.PrevHash ?? DBNull.Value });
        return (bool)(await command.ExecuteScalarAsync(cancellationToken).ConfigureAwait(false))!;
    }

    /// <summary>Checks up to <paramref name="limit"/> records of the range after <paramref name="after"/> (from the start when null).</summary>
    public async Task<StoredVerification> VerifyAsync(DateTimeOffset since, DateTimeOffset until, string? instance, VerifyCursor? after, int limit, CancellationToken cancellationToken)
    {
        var verifier = new IncrementalChainVerifier(MaxReported);
        var problems = new List<ChainProblemView>();
        var notes = new List<string>();
        (string Instance, Guid Run, long Seq) position = after is null ? (string.Empty, Guid.Empty, 0L) : (after.AfterInstance, after.AfterRun, after.AfterSeq);
        if (after?.PrevHash is { } prev)
        {
            verifier.Continue(new ChainLink(after.AfterInstance, after.NextSeq, prev));
        }

        long rows = 0;
        long bytes = 0;
        var more = false;
        var maxBytes = options.Value.VerifyMaxBytes;
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken).ConfigureAwait(false);
        while (true)
        {
            var read = 0;
            await using (var command = ChunkCommand(connection, since, until, instance, position))
            await using (var reader = await command.ExecuteReaderAsync(CommandBehavior.SequentialAccess, cancellationToken).ConfigureAwait(false))
            {
                while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
                {
                    read++;
                    if (rows >= limit || bytes >= maxBytes)
                    {
                        more = true;
                        break;
                    }

                    // Columns in order: the reader is sequential.
                    var id = reader.GetGuid(0);
                    var rowInstance = reader.GetString(1);
                    var run = reader.GetGuid(2);
                    var seq = reader.GetInt64(3);
                    var record = reader.GetString(4);
                    if (!string.Equals(rowInstance, position.Instance, StringComparison.Ordinal))
                    {
                        // Rows come ordered by instance: no earlier instance's chain comes back.
                        verifier.Forget();
                    }

                    rows++;
                    bytes += Encoding.UTF8.GetByteCount(record);
                    var (problemsBefore, notesBefore) = (verifier.Problems.Count, verifier.Notes.Count);
                    verifier.Check(record, rows);
                    for (var i = problemsBefore; i < verifier.Problems.Count; i++)
                    {
                        var p = verifier.Problems[i];
                        problems.Add(new ChainProblemView(id, p.Instance, p.Kind.ToString().ToLowerInvariant(), p.Message));
                    }

                    for (var i = notesBefore; i < verifier.Notes.Count; i++)
                    {
                        notes.Add($"record {id}: {verifier.Notes[i].Message}");
                    }

                    position = (rowInstance, run, seq);
                }
            }

            if (more || read < ChunkRows)
            {
                break;
            }
        }

        VerifyCursor? next = null;
        if (more)
        {
            // The link is carried only when the last row read was a record of the chain the position names.
            var link = verifier.LastLink is { } l && string.Equals(l.Instance, position.Instance, StringComparison.Ordinal) ? l : (ChainLink?)null;
            next = new VerifyCursor(since, until, instance, position.Instance, position.Run, position.Seq, link?.NextSeq ?? 0, link?.PrevHash);
        }

        return new StoredVerification(verifier.Records, notes, verifier.NoteCount - notes.Count, problems, verifier.ProblemCount - problems.Count, next);
    }

    private static NpgsqlCommand ChunkCommand(NpgsqlConnection connection, DateTimeOffset since, DateTimeOffset until, string? instance, (string Instance, Guid Run, long Seq) after)
    {
        // The row comparison continues after the last row read and follows the decisions_chain index; a first call
        // starts before every row ('' sorts first and seq is at least 1).
        var command = new NpgsqlCommand(
            """
            SELECT decision_id, instance, run, seq, record::text FROM decisions
             WHERE time >= @since AND time < @until AND (@instance::text IS NULL OR instance = @instance)
               AND (instance, run, seq) > (@afterInstance, @afterRun, @afterSeq)
             ORDER BY instance, run, seq
             LIMIT @chunk
            """,
            connection);
        command.Parameters.AddWithValue("since", since.UtcDateTime);
        command.Parameters.AddWithValue("until", until.UtcDateTime);
        command.Parameters.Add(new NpgsqlParameter("instance", NpgsqlDbType.Text) { Value = (object?)instance ?? DBNull.Value });
        command.Parameters.Add(new NpgsqlParameter("afterInstance", NpgsqlDbType.Text) { Value = after.Instance });
        command.Parameters.Add(new NpgsqlParameter("afterRun", NpgsqlDbType.Uuid) { Value = after.Run });
        command.Parameters.Add(new NpgsqlParameter("afterSeq", NpgsqlDbType.Bigint) { Value = after.Seq });
        command.Parameters.AddWithValue("chunk", ChunkRows);
        return command;
    }
}
