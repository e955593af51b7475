using System.Globalization;

namespace AuthzWebhook.IntegrationTests.Faults;

/// <summary>One minute of the soak: what was served and what went wrong, with the fault injected in it.</summary>
internal sealed record SoakMinute(int Minute, int Served, int Errors, int Degraded, int WrongAllows, int LostRecords, TimeSpan P99)
{
    public const string Header =
        "| minute | fault | reviews served | errors | degraded | wrong allows | lost records | p99 | REST calls ok / failed |\n" +
        "|---:|---|---:|---:|---:|---:|---:|---:|---:|";

    public string Row(string fault, int restOk, int restFailed) => string.Create(
        CultureInfo.InvariantCulture,
        $"| {Minute} | {fault} | {Served} | {Errors} | {Degraded} | {WrongAllows} | {LostRecords} | {P99.TotalMilliseconds:0.0} ms | {restOk} / {restFailed} |");
}
