using System.Diagnostics;

namespace AuthzWebhook.IntegrationTests.Infrastructure;

/// <summary>The built service run with <c>dotnet</c> as in its container, configured only by its environment.</summary>
public static class ServiceCommand
{
    public static ProcessStartInfo StartInfo(params string[] arguments)
    {
        var start = new ProcessStartInfo("dotnet")
        {
            WorkingDirectory = AppContext.BaseDirectory,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        start.ArgumentList.Add(Path.Combine(AppContext.BaseDirectory, "AuthzWebhook.dll"));
        foreach (var argument in arguments)
        {
            start.ArgumentList.Add(argument);
        }

        start.Environment["ASPNETCORE_ENVIRONMENT"] = "Production";
        return start;
    }

    /// <summary>Runs a command (<c>verify-log</c>, <c>correlate</c>, ...) to its end and returns what it printed.</summary>
    public static async Task<(int Exit, string Stdout, string Stderr)> RunAsync(IDictionary<string, string>? environment, params string[] arguments)
    {
        var start = StartInfo(arguments);
        foreach (var (key, value) in environment ?? new Dictionary<string, string>())
        {
            start.Environment[key] = value;
        }

        using var process = Process.Start(start)!;
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        await process.WaitForExitAsync().WaitAsync(TimeSpan.FromSeconds(60));
        return (process.ExitCode, await stdout, await stderr);
    }
}
