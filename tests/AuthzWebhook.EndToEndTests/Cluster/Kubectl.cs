using AuthzWebhook.TestSupport;

namespace AuthzWebhook.EndToEndTests.Cluster;

/// <summary>kubectl against one API server, as a person with a bearer token or as a holder of a client certificate.</summary>
public sealed class Kubectl
{
    private readonly string _binary;
    private readonly string _kubeconfig;
    private readonly string _cacheDirectory;

    internal Kubectl(string binary, string kubeconfig, string cacheDirectory)
    {
        _binary = binary;
        _kubeconfig = kubeconfig;
        _cacheDirectory = cacheDirectory;
    }

    /// <summary>Runs <c>kubectl ARGS</c>, with <c>--token</c> when given; never throws on a failed command.</summary>
    public Task<KubectlResult> RunAsync(string? token, params string[] arguments) => Task.Run(() =>
    {
        string[] common = ["--kubeconfig", _kubeconfig, "--cache-dir", _cacheDirectory, "--request-timeout", "40s"];
        var all = token is null ? [.. common, .. arguments] : common.Concat(["--token", token]).Concat(arguments);
        var (exit, stdout, stderr) = ProcessRunner.RunCaptured(_binary, all, TimeSpan.FromSeconds(90));
        return new KubectlResult(exit, stdout, stderr);
    });

    /// <summary>As <see cref="RunAsync"/>, failing the test when the command fails (set-up steps).</summary>
    public async Task<string> MustAsync(string? token, params string[] arguments)
    {
        var result = await RunAsync(token, arguments);
        Assert.True(result.Succeeded, $"kubectl {string.Join(' ', arguments)}: {result}");
        return result.Stdout;
    }
}
