using AuthzWebhook.TestSupport;

namespace AuthzWebhook.IntegrationTests.Hosting;

/// <summary>
/// The make targets that run a command of the service. GNU make exits 2 whenever a recipe fails, so the command's own
/// exit code (documented: rbac-audit's 1 "action needed" is not its 2 "bad input") must be named in what make prints.
/// </summary>
public sealed class MakeTargetExitCodeTests : IDisposable
{
    private readonly DirectoryInfo _work = Directory.CreateTempSubdirectory("authz-test-make-");

    [Theory]
    [InlineData("""{"apiVersion":"v1","kind":"List","items":[]}""", 0)]
    [InlineData(null, 1)]
    [InlineData("[1]", 2)]
    public void Make_rbac_audit_names_the_exit_code_of_rbac_audit(string? input, int code)
    {
        var file = Path.Combine(RepositoryRoot.Path, "tests", "fixtures", "rbac", "kubeadm-cluster-with-company-bindings.json");
        if (input is not null)
        {
            file = Path.Combine(_work.FullName, "rbac.json");
            File.WriteAllText(file, input);
        }

        var (exit, stderr) = Make("rbac-audit", $"INPUT={file}");

        AssertNamesExitCode("rbac-audit", code, exit, stderr);
    }

    [Theory]
    [InlineData("""{"x":1}""", 1)]
    [InlineData(null, 2)]
    public void Make_verify_log_names_the_exit_code_of_verify_log(string? records, int code)
    {
        var file = Path.Combine(_work.FullName, "decisions.jsonl");
        if (records is not null)
        {
            File.WriteAllText(file, records + "\n");
        }

        var (exit, stderr) = Make("verify-log", $"FILE={file}");

        AssertNamesExitCode("verify-log", code, exit, stderr);
    }

    public void Dispose() => _work.Delete(recursive: true);

    private static void AssertNamesExitCode(string command, int code, int makeExit, string stderr)
    {
        if (code == 0)
        {
            Assert.True(makeExit == 0, stderr);
            Assert.DoesNotContain("exited with code", stderr, StringComparison.Ordinal);
        }
        else
        {
            Assert.True(makeExit == 2, $"make exited {makeExit}: {stderr}");
            Assert.Contains($"{command} exited with code {code}", stderr, StringComparison.Ordinal);
        }
    }

    /// <summary>Runs make in the checkout with the configuration these tests were built in, so that its build is a no-op.</summary>
    private static (int Exit, string Stderr) Make(string target, string argument)
    {
        var configuration = new DirectoryInfo(AppContext.BaseDirectory).Parent!.Name;
        var (exit, _, stderr) = ProcessRunner.RunCaptured(
            "env",
            ["-u", "MAKEFLAGS", "-u", "MAKELEVEL", "-u", "MFLAGS", "make", "-s", "-C", RepositoryRoot.Path, target, argument, $"CONFIGURATION={configuration}"],
            TimeSpan.FromMinutes(5));
        return (exit, stderr);
    }
}
