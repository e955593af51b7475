namespace AuthzWebhook.DecisionStore;

/// <summary>
/// Checks a whole decision log (a file, in file order) against its hash chains with <see cref="IncrementalChainVerifier"/>,
/// reporting every problem and note by line. The stored records are checked page by page instead (<c>StoredChainVerifier</c>).
/// </summary>
internal static class DecisionChainVerifier
{
    public static ChainReport Verify(IEnumerable<string> lines)
    {
        var verifier = new IncrementalChainVerifier();
        long lineNumber = 0;
        foreach (var line in lines)
        {
            verifier.Check(line, ++lineNumber);
        }

        return new ChainReport(verifier.Records, [.. verifier.Notes.Select(n => $"line {n.Line}: {n.Message}")], verifier.Problems);
    }
}
