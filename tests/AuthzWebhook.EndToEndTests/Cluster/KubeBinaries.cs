using AuthzWebhook.TestSupport;

namespace AuthzWebhook.EndToEndTests.Cluster;

/// <summary>
/// kube-apiserver, kubectl and etcd, as scripts/ensure-kube-apiserver.sh provides them: built once from Debian's source
/// package and cached under .local/kube (make e2e runs the script first, so its progress is visible there).
/// </summary>
internal sealed record KubeBinaries(string KubeApiServer, string Kubectl, string Etcd)
{
    public static KubeBinaries Ensure()
    {
        var script = Path.Combine(RepositoryRoot.Path, "scripts", "ensure-kube-apiserver.sh");
        var (exit, stdout, stderr) = ProcessRunner.RunCaptured("bash", [script], TimeSpan.FromMinutes(40));
        if (exit != 0)
        {
            throw new InvalidOperationException($"{script} exited {exit}: {stderr}");
        }

        var paths = stdout.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)
            .Select(line => line.Split('=', 2))
            .Where(pair => pair.Length == 2)
            .ToDictionary(pair => pair[0], pair => pair[1], StringComparer.Ordinal);
        return new KubeBinaries(paths["KUBE_APISERVER"], paths["KUBECTL"], paths["ETCD"]);
    }
}
