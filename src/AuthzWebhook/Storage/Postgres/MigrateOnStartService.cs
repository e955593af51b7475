using Microsoft.Extensions.Options;

namespace AuthzWebhook.Storage.Postgres;

/// <summary>Brings the schema up to date before anything reads it; a failed migration stops start-up.</summary>
internal sealed class MigrateOnStartService(MigrationRunner runner, IOptions<PostgresOptions> options, ILogger<MigrateOnStartService> logger) : IHostedService
{
    public async Task StartAsync(CancellationToken cancellationToken)
    {
        if (!options.Value.MigrateOnStart)
        {
            return;
        }

        var applied = await runner.ApplyAsync(MigrationRunner.DefaultDirectory, cancellationToken).ConfigureAwait(false);
        Log.MigrationsDone(logger, applied);
    }

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;
}
