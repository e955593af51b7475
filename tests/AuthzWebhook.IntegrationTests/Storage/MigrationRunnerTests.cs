using AuthzWebhook.IntegrationTests.Infrastructure;
using AuthzWebhook.Storage.Postgres;
using Dapper;
using Microsoft.Extensions.Logging.Abstractions;
using Npgsql;

namespace AuthzWebhook.IntegrationTests.Storage;

/// <summary>Forward-only migrations from sql/, recorded in schema_migrations, safe to run twice or concurrently.</summary>
public sealed class MigrationRunnerTests(TestServers servers) : IntegrationTest(servers)
{
    private static string SqlDirectory => MigrationRunner.DefaultDirectory;

    [Fact]
    public async Task Migrations_apply_once_and_are_recorded_with_their_checksums()
    {
        await using var dataSource = NpgsqlDataSource.Create(Database);
        var runner = new MigrationRunner(dataSource, NullLogger<MigrationRunner>.Instance);
        var files = MigrationRunner.Discover(SqlDirectory);

        var first = await runner.ApplyAsync(SqlDirectory, default);
        var second = await runner.ApplyAsync(SqlDirectory, default);

        Assert.Equal(files.Count, first);
        Assert.Equal(0, second);
        await using var connection = await dataSource.OpenConnectionAsync();
        var recorded = (await connection.QueryAsync<(int Version, string Name, string Checksum)>("SELECT version, name, checksum FROM schema_migrations ORDER BY version")).ToList();
        Assert.Equal(files.Select(f => (f.Version, f.FileName, f.Checksum)), recorded);
        Assert.Equal(1L, await connection.ExecuteScalarAsync<long>("SELECT count(*) FROM information_schema.tables WHERE table_name = 'elevation_windows'"));
    }

    [Fact]
    public async Task Replicas_starting_together_apply_each_migration_once()
    {
        await using var dataSource = NpgsqlDataSource.Create(Database);
        var runners = Enumerable.Range(0, 4).Select(_ => new MigrationRunner(dataSource, NullLogger<MigrationRunner>.Instance)).ToList();

        var applied = await Task.WhenAll(runners.Select(r => r.ApplyAsync(SqlDirectory, default)));

        Assert.Equal(MigrationRunner.Discover(SqlDirectory).Count, applied.Sum());
    }

    [Fact]
    public async Task A_migration_edited_after_it_was_applied_stops_start_up()
    {
        var directory = Directory.CreateTempSubdirectory("authz-test-sql-").FullName;
        try
        {
            foreach (var file in Directory.GetFiles(SqlDirectory, "*.sql"))
            {
                File.Copy(file, Path.Combine(directory, Path.GetFileName(file)));
            }

            await using var dataSource = NpgsqlDataSource.Create(Database);
            var runner = new MigrationRunner(dataSource, NullLogger<MigrationRunner>.Instance);
            await runner.ApplyAsync(directory, default);
            var first = Directory.GetFiles(directory, "*.sql").Order(StringComparer.Ordinal).First();
            await File.AppendAllTextAsync(first, "\n-- edited\n");

            var error = await Assert.ThrowsAsync<InvalidOperationException>(() => runner.ApplyAsync(directory, default));

            Assert.Contains("forward-only", error.Message, StringComparison.Ordinal);
            Assert.Contains(Path.GetFileName(first), error.Message, StringComparison.Ordinal);
        }
        finally
        {
            Directory.Delete(directory, recursive: true);
        }
    }
}
