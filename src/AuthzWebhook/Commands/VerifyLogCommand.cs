using AuthzWebhook.DecisionStore;

namespace AuthzWebhook.Commands;

/// <summary>
/// <c>verify-log FILE</c> (or <c>-</c> for standard input): checks the hash chains of a file of decision records and
/// reports every edit, gap and reorder with its line. Exit code 0 when intact, 1 when not, 2 when the file cannot be read.
/// </summary>
internal sealed class VerifyLogCommand : IServiceCommand
{
    public string Name => "verify-log";

    /// <summary>Reads a file: needs nothing registered.</summary>
    public void Register(WebApplicationBuilder builder)
    {
    }

    public async Task<int> RunAsync(IServiceProvider services, string[] args)
    {
        if (args.Length != 2)
        {
            await Console.Error.WriteLineAsync("usage: verify-log FILE   (decision records, one JSON line each; - reads standard input)").ConfigureAwait(false);
            return 2;
        }

        ChainReport report;
        try
        {
            report = DecisionChainVerifier.Verify(CommandInput.Lines(args[1]));
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            await Console.Error.WriteLineAsync($"verify-log: cannot read {args[1]}: {ex.Message}").ConfigureAwait(false);
            return 2;
        }

        foreach (var note in report.Notes)
        {
            await Console.Out.WriteLineAsync($"note: {note}").ConfigureAwait(false);
        }

        foreach (var problem in report.Problems)
        {
            await Console.Out.WriteLineAsync($"line {problem.Line}: {problem.Instance}: {problem.Kind.ToString().ToLowerInvariant()}: {problem.Message}").ConfigureAwait(false);
        }

        await Console.Out.WriteLineAsync(report.IsIntact
            ? $"intact: {report.Records} records, every chain verified"
            : $"NOT intact: {report.Problems.Count} problem(s) in {report.Records} records; the first is at line {report.Problems[0].Line}").ConfigureAwait(false);
        return report.IsIntact ? 0 : 1;
    }
}
