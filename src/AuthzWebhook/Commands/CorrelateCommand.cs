using AuthzWebhook.AuditEvents;
using AuthzWebhook.Storage.Postgres;
using Microsoft.Extensions.Logging.Console;
using Microsoft.Extensions.Options;
using Npgsql;

namespace AuthzWebhook.Commands;

/// <summary>
/// <c>correlate FILE</c> (or <c>-</c> for standard input): joins an API server audit log with the decision records stored
/// in Postgres and reports how many of the requests the webhook decided have their record. Exit code 0 when it ran,
/// whatever the join rate; 2 when the file, the settings or the database fail.
/// </summary>
internal sealed class CorrelateCommand : IServiceCommand
{
    public string Name => "correlate";

    public void Register(WebApplicationBuilder builder)
    {
        // Its report is on stdout: log lines go to stderr, and only Npgsql's warnings, not a line per query.
        builder.Services.Configure<ConsoleLoggerOptions>(o => o.LogToStandardErrorThreshold = LogLevel.Trace);
        builder.Logging.AddFilter("Npgsql", LogLevel.Warning);
        builder.Services.AddPostgres();
    }

    public async Task<int> RunAsync(IServiceProvider services, string[] args)
    {
        if (args.Length != 2)
        {
            return await FailAsync("usage: correlate FILE   (API server audit log, one audit.k8s.io/v1 Event per line; - reads standard input)").ConfigureAwait(false);
        }

        StoredDecisionLookup lookup;
        try
        {
            lookup = new StoredDecisionLookup(services.GetRequiredService<NpgsqlDataSource>());
        }
        catch (OptionsValidationException ex)
        {
            return await FailAsync($"correlate: {ex.Message}").ConfigureAwait(false);
        }

        AuditScan scan;
        try
        {
            scan = AuditLogReader.Read(CommandInput.Lines(args[1]));
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            return await FailAsync($"correlate: cannot read {args[1]}: {ex.Message}").ConfigureAwait(false);
        }

        HashSet<Guid> stored;
        try
        {
            stored = await lookup.FindAsync(scan.WithDecision.Select(e => e.DecisionId), CancellationToken.None).ConfigureAwait(false);
        }
        catch (PostgresException ex) when (ex.SqlState == PostgresErrorCodes.UndefinedTable)
        {
            return await FailAsync("correlate: the database has no decisions table; apply sql/ first (make migrate)").ConfigureAwait(false);
        }
        catch (Exception ex) when (ex is NpgsqlException or TimeoutException)
        {
            return await FailAsync($"correlate: cannot query the decisions in Postgres: {ex.Message}").ConfigureAwait(false);
        }

        foreach (var line in Correlation.Join(scan, stored).Lines())
        {
            await Console.Out.WriteLineAsync(line).ConfigureAwait(false);
        }

        return 0;
    }

    private static async Task<int> FailAsync(string message)
    {
        await Console.Error.WriteLineAsync(message).ConfigureAwait(false);
        return 2;
    }
}
