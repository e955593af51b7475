namespace AuthzWebhook.DecisionStore;

/// <summary>
/// What one bounded verification of stored records found: how many it checked, the problems and notes it kept (with
/// how many more it only counted), and where to go on (<see cref="Next"/>, null when every record in range was checked).
/// </summary>
internal sealed record StoredVerification(
    long Records,
    IReadOnlyList<string> Notes,
    long NotesOmitted,
    IReadOnlyList<ChainProblemView> Problems,
    long ProblemsOmitted,
    VerifyCursor? Next);
