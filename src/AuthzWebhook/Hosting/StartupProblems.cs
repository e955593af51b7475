using AuthzWebhook.Policy;
using Microsoft.Extensions.Options;

namespace AuthzWebhook.Hosting;

/// <summary>
/// Invalid settings or an invalid policy stop the process with their problems on stderr, each once, and exit code 1:
/// the message names the key or the file and line and says how to fix it, and a stack trace would only bury it. Any
/// other exception is left to the runtime, stack trace and all.
/// </summary>
internal static class StartupProblems
{
    public const int ExitCode = 1;

    public static async Task<int> ReportAsync(Func<Task<int>> run)
    {
        try
        {
            return await run().ConfigureAwait(false);
        }
        // Only as the process's own entry point: a host that others run (WebApplicationFactory, build-time OpenAPI tools)
        // learns of the failure by the exception, as a returned exit code would tell it the service ran and ended.
        catch (Exception ex) when (IsEntryPoint && Of(ex) is { Count: > 0 } problems)
        {
            await Console.Error.WriteLineAsync("AuthzWebhook cannot start:").ConfigureAwait(false);
            foreach (var problem in problems)
            {
                await Console.Error.WriteLineAsync("  " + problem).ConfigureAwait(false);
            }

            return ExitCode;
        }
    }

    private static bool IsEntryPoint => System.Reflection.Assembly.GetEntryAssembly() == typeof(StartupProblems).Assembly;

    /// <summary>
    /// Checks what the host would check as it starts (every <c>ValidateOnStart</c> option, then the policy file), before it
    /// starts: a failure inside the host's start is also logged by the host, with its stack trace.
    /// </summary>
    public static void CheckBeforeStart(IServiceProvider services)
    {
        services.GetService<IStartupValidator>()?.Validate();
        services.GetRequiredService<PolicyProvider>().Load();
    }

    /// <summary>The problems <paramref name="exception"/> reports about settings or the policy; empty for any other fault.</summary>
    internal static IReadOnlyList<string> Of(Exception exception)
    {
        var problems = new List<string>();
        return Collect(exception, problems) ? problems.Distinct(StringComparer.Ordinal).ToList() : [];
    }

    private static bool Collect(Exception exception, List<string> problems)
    {
        switch (exception)
        {
            case OptionsValidationException e:
                problems.AddRange(e.Failures);
                return true;
            case PolicyValidationException e:
                problems.AddRange(e.Errors);
                return true;
            case StartupProblemException e:
                problems.Add(e.Message);
                return true;
            case AggregateException e:
                return e.InnerExceptions.Count > 0 && e.InnerExceptions.All(inner => Collect(inner, problems));
            // A value that does not convert to its option's type ("Failed to convert configuration value 'x' at
            // 'AuthzWebhook:Webhook:Port' to type 'System.Int32'."), thrown by the configuration binder itself.
            case InvalidOperationException e when e.TargetSite?.DeclaringType?.Assembly == typeof(ConfigurationBinder).Assembly:
                problems.Add(e.Message);
                return true;
            default:
                return false;
        }
    }
}
