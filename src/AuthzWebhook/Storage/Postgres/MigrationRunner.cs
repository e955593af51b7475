using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using Dapper;
using Npgsql;

namespace AuthzWebhook.Storage.Postgres;

/// <summary>
/// Applies <c>sql/NNN_description.sql</c> in order, each in its own transaction, recording version and checksum in
/// <c>schema_migrations</c>. Forward-only: an applied file that has since changed stops start-up rather than diverge.
/// An advisory lock lets several replicas start at once.
/// </summary>
internal sealed class MigrationRunner(NpgsqlDataSource dataSource, ILogger<MigrationRunner> logger)
{
    private const long AdvisoryLockKey = 0x417574687a57; // stable, arbitrary: "AuthzW"

    public static string DefaultDirectory => Path.Combine(AppContext.BaseDirectory, "sql");

    public async Task<int> ApplyAsync(string directory, CancellationToken cancellationToken)
    {
        var migrations = Discover(directory);
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken).ConfigureAwait(false);
        await connection.ExecuteAsync(new CommandDefinition("SELECT pg_advisory_lock(@key)", new { key = AdvisoryLockKey }, cancellationToken: cancellationToken)).ConfigureAwait(false);
        try
        {
            await connection.ExecuteAsync(new CommandDefinition(
                """
                CREATE TABLE IF NOT EXISTS schema_migrations (
                    version    integer     PRIMARY KEY,
                    name       text        NOT NULL,
                    checksum   text        NOT NULL,
                    applied_at timestamptz NOT NULL DEFAULT now()
                )
                """,
                cancellationToken: cancellationToken)).ConfigureAwait(false);

            var applied = (await connection.QueryAsync<(int Version, string Name, string Checksum)>(new CommandDefinition(
                "SELECT version, name, checksum FROM schema_migrations", cancellationToken: cancellationToken)).ConfigureAwait(false))
                .ToDictionary(m => m.Version);

            var count = 0;
            foreach (var migration in migrations)
            {
                if (applied.TryGetValue(migration.Version, out var done))
                {
                    if (!string.Equals(done.Checksum, migration.Checksum, StringComparison.Ordinal))
                    {
                        throw new InvalidOperationException(
                            $"Migration {migration.FileName} was changed after it was applied (recorded checksum {done.Checksum}, file {migration.Checksum}). Migrations are forward-only: restore the file and add a new NNN_*.sql instead.");
                    }

                    continue;
                }

                await using var transaction = await connection.BeginTransactionAsync(cancellationToken).ConfigureAwait(false);
                await connection.ExecuteAsync(new CommandDefinition(migration.Sql, transaction: transaction, cancellationToken: cancellationToken)).ConfigureAwait(false);
                await connection.ExecuteAsync(new CommandDefinition(
                    "INSERT INTO schema_migrations (version, name, checksum) VALUES (@Version, @FileName, @Checksum)",
                    migration,
                    transaction,
                    cancellationToken: cancellationToken)).ConfigureAwait(false);
                await transaction.CommitAsync(cancellationToken).ConfigureAwait(false);
                Log.MigrationApplied(logger, migration.FileName);
                count++;
            }

            return count;
        }
        finally
        {
            await connection.ExecuteAsync(new CommandDefinition("SELECT pg_advisory_unlock(@key)", new { key = AdvisoryLockKey }, cancellationToken: CancellationToken.None)).ConfigureAwait(false);
        }
    }

    internal static IReadOnlyList<Migration> Discover(string directory)
    {
        if (!Directory.Exists(directory))
        {
            throw new InvalidOperationException($"Migration directory {directory} does not exist.");
        }

        var migrations = new List<Migration>();
        foreach (var file in Directory.EnumerateFiles(directory, "*.sql", SearchOption.TopDirectoryOnly))
        {
            var name = Path.GetFileName(file);
            var underscore = name.IndexOf('_', StringComparison.Ordinal);
            if (underscore <= 0 || !int.TryParse(name.AsSpan(0, underscore), NumberStyles.None, CultureInfo.InvariantCulture, out var version))
            {
                throw new InvalidOperationException($"Migration file {name} must be named NNN_description.sql.");
            }

            var sql = File.ReadAllText(file);
            var checksum = Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(sql.ReplaceLineEndings("\n"))));
            migrations.Add(new Migration(version, name, sql, checksum));
        }

        var duplicate = migrations.GroupBy(m => m.Version).FirstOrDefault(g => g.Count() > 1);
        if (duplicate is not null)
        {
            throw new InvalidOperationException($"Migrations {string.Join(" and ", duplicate.Select(m => m.FileName))} share version {duplicate.Key}.");
        }

        return [.. migrations.OrderBy(m => m.Version)];
    }

    internal sealed record Migration(int Version, string FileName, string Sql, string Checksum);
}
