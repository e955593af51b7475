namespace AuthzWebhook.DecisionStore;

/// <summary>What verifying a decision log found: how much was checked, where chains began, and every problem in input order.</summary>
internal sealed record ChainReport(long Records, IReadOnlyList<string> Notes, IReadOnlyList<ChainProblem> Problems)
{
    public bool IsIntact => Problems.Count == 0;
}
