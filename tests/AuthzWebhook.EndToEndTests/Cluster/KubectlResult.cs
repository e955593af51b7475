namespace AuthzWebhook.EndToEndTests.Cluster;

/// <summary>What one kubectl run printed, and its exit code.</summary>
public sealed record KubectlResult(int ExitCode, string Stdout, string Stderr)
{
    public bool Succeeded => ExitCode == 0;

    public bool Forbidden => ExitCode != 0 && Stderr.Contains("Forbidden", StringComparison.Ordinal);

    public override string ToString() => $"exit {ExitCode}\nstdout: {Stdout}\nstderr: {Stderr}";
}
