using System.Globalization;
using Xunit.Abstractions;

namespace AuthzWebhook.IntegrationTests.Faults;

/// <summary>What one fault scenario came to: the figures docs/reliability.md tabulates.</summary>
internal sealed record FaultResult(
    string Scenario,
    int Reviews,
    int Errors,
    int DegradedAnswers,
    TimeSpan DegradedFor,
    int WrongAllows,
    int LostRecords,
    int DuplicatedRecords,
    bool ChainsIntact,
    TimeSpan Recovery)
{
    public const string Header =
        "| fault | reviews | errors | degraded answers (over) | wrong allows | lost records | duplicated records | chains | time to recover |\n" +
        "|---|---:|---:|---:|---:|---:|---:|---|---:|";

    public string Row() => string.Create(
        CultureInfo.InvariantCulture,
        $"| {Scenario} | {Reviews} | {Errors} | {DegradedAnswers} ({DegradedFor.TotalSeconds:0.0} s) | {WrongAllows} | {LostRecords} | {DuplicatedRecords} | {(ChainsIntact ? "intact" : "BROKEN")} | {Recovery.TotalSeconds:0.00} s |");

    /// <summary>
    /// Adds the row to the report file named by AUTHZ_FAULT_REPORT (make test-faults sets it and prints the table);
    /// without it the row goes only to the test output.
    /// </summary>
    public void Report(ITestOutputHelper output)
    {
        output.WriteLine(Header);
        output.WriteLine(Row());
        if (Environment.GetEnvironmentVariable("AUTHZ_FAULT_REPORT") is { Length: > 0 } path)
        {
            lock (typeof(FaultResult))
            {
                File.AppendAllText(path, (File.Exists(path) ? string.Empty : Header + "\n") + Row() + "\n");
            }
        }
    }
}
