using Npgsql;

namespace AuthzWebhook.AuditEvents;

/// <summary>Which of a set of decision ids are stored in <c>decisions</c>, asked in batches.</summary>
internal sealed class StoredDecisionLookup(NpgsqlDataSource dataSource)
{
    public const int BatchSize = 1000;

    public async Task<HashSet<Guid>> FindAsync(IEnumerable<Guid> decisionIds, CancellationToken cancellationToken)
    {
        var found = new HashSet<Guid>();
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken).ConfigureAwait(false);
        foreach (var batch in decisionIds.Distinct().Chunk(BatchSize))
        {
            await using var command = new NpgsqlCommand("SELECT decision_id FROM decisions WHERE decision_id = ANY(@ids)", connection);
            command.Parameters.AddWithValue("ids", batch);
            await using var reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
            while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
            {
                found.Add(reader.GetGuid(0));
            }
        }

        return found;
    }
}
