using AuthzWebhook.Storage.Postgres;

namespace AuthzWebhook.Commands;

/// <summary><c>migrate</c>: applies the scripts in <c>sql/</c> that the database does not have yet, and nothing else.</summary>
internal sealed class MigrateCommand : IServiceCommand
{
    public string Name => "migrate";

    public void Register(WebApplicationBuilder builder) => builder.Services.AddPostgres();

    public async Task<int> RunAsync(IServiceProvider services, string[] args)
    {
        var runner = services.GetRequiredService<MigrationRunner>();
        var applied = await runner.ApplyAsync(MigrationRunner.DefaultDirectory, CancellationToken.None).ConfigureAwait(false);
        await Console.Error.WriteLineAsync($"migrations applied: {applied}").ConfigureAwait(false);
        return 0;
    }
}
