using System.Diagnostics;

namespace AuthzWebhook.TestSupport;

internal static class ProcessRunner
{
    /// <summary>Runs a command to completion; throws with its output when it fails, so a broken set-up explains itself.</summary>
    public static string Run(string fileName, IEnumerable<string> arguments, TimeSpan? timeout = null)
    {
        var argumentList = arguments.ToList();
        var (exitCode, stdout, stderr) = RunCaptured(fileName, argumentList, timeout);
        if (exitCode != 0)
        {
            throw new InvalidOperationException($"{fileName} {string.Join(' ', argumentList)} exited {exitCode}: {stdout}{stderr}");
        }

        return stdout;
    }

    /// <summary>Runs a command to completion and returns its exit code and output, for callers that check failures.</summary>
    public static (int ExitCode, string Stdout, string Stderr) RunCaptured(string fileName, IEnumerable<string> arguments, TimeSpan? timeout = null)
    {
        var start = new ProcessStartInfo(fileName)
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        foreach (var argument in arguments)
        {
            start.ArgumentList.Add(argument);
        }

        using var process = Process.Start(start) ?? throw new InvalidOperationException($"could not start {fileName}");
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        if (!process.WaitForExit(timeout ?? TimeSpan.FromMinutes(2)))
        {
            process.Kill(entireProcessTree: true);
            throw new TimeoutException($"{fileName} {string.Join(' ', start.ArgumentList)} did not finish");
        }

        return (process.ExitCode, stdout.Result, stderr.Result);
    }

    public static bool IsRoot => Environment.UserName == "root";

    /// <summary>Postgres refuses to run as root, so as root its tools run as the postgres user.</summary>
    public static string RunAsPostgres(string tool, IEnumerable<string> arguments) =>
        IsRoot ? Run("runuser", ["-u", "postgres", "--", tool, .. arguments]) : Run(tool, arguments);
}
