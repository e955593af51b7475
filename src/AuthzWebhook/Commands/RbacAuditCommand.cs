using System.Text.Json;
using AuthzWebhook.Hosting;
using AuthzWebhook.Policy;
using AuthzWebhook.RbacAudit;

namespace AuthzWebhook.Commands;

/// <summary>
/// <c>rbac-audit FILE [--policy-out POLICY] [--format text|json]</c> (<c>-</c> reads standard input): reports every subject
/// bound to cluster-admin, to wildcard rules or to escalating verbs in the output of
/// <c>kubectl get clusterrolebindings,rolebindings,clusterroles,roles -A -o json</c>, with a template and an audit-mode
/// guardrail for each person's and team's use. Exit code 0 when nothing outside the system needs action, 1 when
/// something does (so CI can refuse standing access), 2 when the arguments or the input are wrong.
/// </summary>
internal sealed class RbacAuditCommand : IServiceCommand
{
    public const string CommandName = "rbac-audit";

    private const string Usage = "usage: rbac-audit FILE [--policy-out POLICY.yaml] [--format text|json]   "
        + "(FILE: kubectl get clusterrolebindings,rolebindings,clusterroles,roles -A -o json; - reads standard input)";

    public string Name => CommandName;

    /// <summary>Reads a file: needs nothing registered.</summary>
    public void Register(WebApplicationBuilder builder)
    {
    }

    public Task<int> RunAsync(IServiceProvider services, string[] args) => RunAsync(args, Console.In, Console.Out, Console.Error);

    /// <summary>With the streams given, so that tests run it without a process.</summary>
    public static async Task<int> RunAsync(string[] args, TextReader stdin, TextWriter stdout, TextWriter stderr)
    {
        if (!TryParse(args, out var input, out var policyOut, out var json, out var problem))
        {
            await stderr.WriteLineAsync($"rbac-audit: {problem}\n{Usage}").ConfigureAwait(false);
            return 2;
        }

        var source = input == "-" ? "(stdin)" : input;
        RbacInventory inventory;
        try
        {
            var text = input == "-" ? await stdin.ReadToEndAsync().ConfigureAwait(false) : await File.ReadAllTextAsync(input).ConfigureAwait(false);
            inventory = RbacInputReader.Read(text);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            await stderr.WriteLineAsync($"rbac-audit: cannot read {source}: {ex.Message}").ConfigureAwait(false);
            return 2;
        }
        catch (RbacInputException ex)
        {
            await stderr.WriteLineAsync($"rbac-audit: {source}: {ex.Message}").ConfigureAwait(false);
            return 2;
        }

        var report = RbacAuditor.Audit(inventory);
        var policy = PolicySuggester.Suggest(report);
        if (policyOut is not null && !await WritePolicyAsync(policy, source, policyOut, stderr).ConfigureAwait(false))
        {
            return 2;
        }

        if (json)
        {
            await stdout.WriteLineAsync(JsonSerializer.Serialize(RbacAuditView.From(report, policy, source), AuthzJsonContext.Default.RbacAuditView)).ConfigureAwait(false);
        }
        else
        {
            foreach (var line in RbacAuditTextWriter.Lines(report, policy, source))
            {
                await stdout.WriteLineAsync(line).ConfigureAwait(false);
            }
        }

        return report.HasFindings ? 1 : 0;
    }

    /// <summary>The file is loaded back before it is written: a suggestion the service would refuse is a bug, not output.</summary>
    private static async Task<bool> WritePolicyAsync(SuggestedPolicy policy, string source, string path, TextWriter stderr)
    {
        var yaml = PolicyYamlWriter.Write(policy, source);
        try
        {
            PolicyLoader.Parse(yaml, path);
        }
        catch (PolicyValidationException ex)
        {
            await stderr.WriteLineAsync($"rbac-audit: the suggested policy does not load, so it was not written: {ex.Message}").ConfigureAwait(false);
            return false;
        }

        try
        {
            await File.WriteAllTextAsync(path, yaml).ConfigureAwait(false);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            await stderr.WriteLineAsync($"rbac-audit: cannot write {path}: {ex.Message}").ConfigureAwait(false);
            return false;
        }

        await stderr.WriteLineAsync($"rbac-audit: suggested policy written to {path} ({policy.Templates.Count} template(s), {policy.Templates.Count} audit guardrail(s))").ConfigureAwait(false);
        return true;
    }

    private static bool TryParse(string[] args, out string input, out string? policyOut, out bool json, out string problem)
    {
        (input, policyOut, json, problem) = (string.Empty, null, false, string.Empty);
        string? file = null;
        for (var i = 1; i < args.Length; i++)
        {
            switch (args[i])
            {
                case "--policy-out" when i + 1 < args.Length && args[i + 1].Length > 0:
                    policyOut = args[++i];
                    break;
                case "--format" when i + 1 < args.Length && args[i + 1] is "text" or "json":
                    json = args[++i] == "json";
                    break;
                case "--policy-out" or "--format":
                    problem = args[i] == "--format" ? "--format needs text or json" : "--policy-out needs a file name";
                    return false;
                case var arg when arg.StartsWith("--", StringComparison.Ordinal):
                    problem = $"unknown option {arg}";
                    return false;
                case var arg when file is null && arg.Length > 0:
                    file = arg;
                    break;
                default:
                    problem = file is null ? "FILE is empty" : $"one FILE only (got {file} and {args[i]})";
                    return false;
            }
        }

        if (file is null)
        {
            problem = "FILE is missing";
            return false;
        }

        input = file;
        return true;
    }
}
