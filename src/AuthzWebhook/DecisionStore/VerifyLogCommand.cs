namespace AuthzWebhook.DecisionStore;

/// <summary>
/// <c>verify-log FILE</c> (or <c>-</c> for standard input): checks the hash chains of a file of decision records and
/// reports every edit, gap and reorder with its line. Exit code 0 when intact, 1 when not, 2 when the file cannot be read.
/// </summary>
internal static class VerifyLogCommand
{
    public const string Name = "verify-log";

    public static async Task<int> RunAsync(string[] args)
    {
        if (args.Length != 2)
        {
            await Console.Error.WriteLineAsync("usage: verify-log FILE   (decision records, one JSON line each; - reads standard input)").ConfigureAwait(false);
            return 2;
        }

        ChainReport report;
        try
        {
            report = args[1] == "-"
                ? DecisionChainVerifier.Verify(ReadLines(Console.In))
                : DecisionChainVerifier.Verify(File.ReadLines(args[1]));
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

    private static IEnumerable<string> ReadLines(TextReader reader)
    {
        while (reader.ReadLine() is { } line)
        {
            yield return line;
        }
    }
}
