namespace AuthzWebhook.DecisionStore;

/// <summary>One way a decision log fails verification, at a line of the input.</summary>
internal sealed record ChainProblem(long Line, string Instance, ChainProblemKind Kind, string Message);
