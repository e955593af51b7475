using System.Diagnostics;
using System.Globalization;
using AuthzWebhook.IntegrationTests.Infrastructure;

namespace AuthzWebhook.EndToEndTests.Cluster;

/// <summary>One etcd on loopback for every API server of the run (each keeps its objects under its own prefix).</summary>
internal sealed class Etcd : IDisposable
{
    private readonly BackgroundProcess _process;
    private readonly string _dataDirectory;

    private Etcd(BackgroundProcess process, string dataDirectory, string url)
    {
        _process = process;
        _dataDirectory = dataDirectory;
        Url = url;
    }

    public string Url { get; }

    public static async Task<Etcd> StartAsync(string binary, string workDirectory)
    {
        var client = FreePort.Next().ToString(CultureInfo.InvariantCulture);
        var peer = FreePort.Next().ToString(CultureInfo.InvariantCulture);
        var data = Path.Combine(workDirectory, "etcd-data");
        var url = $"http://127.0.0.1:{client}";
        var process = new BackgroundProcess(binary,
        [
            "--name", "e2e", "--data-dir", data,
            "--listen-client-urls", url, "--advertise-client-urls", url,
            "--listen-peer-urls", $"http://127.0.0.1:{peer}", "--initial-advertise-peer-urls", $"http://127.0.0.1:{peer}",
            "--initial-cluster", $"e2e=http://127.0.0.1:{peer}",
        ], Path.Combine(workDirectory, "etcd.log"));
        var etcd = new Etcd(process, data, url);
        try
        {
            await etcd.WaitHealthyAsync();
        }
        catch
        {
            etcd.Dispose();
            throw;
        }

        return etcd;
    }

    public void Dispose()
    {
        _process.Dispose();
        Directory.Delete(_dataDirectory, recursive: true);
    }

    private async Task WaitHealthyAsync()
    {
        using var http = new HttpClient { Timeout = TimeSpan.FromSeconds(2) };
        var waited = Stopwatch.StartNew();
        while (true)
        {
            if (_process.HasExited)
            {
                throw new InvalidOperationException("etcd exited:\n" + _process.Tail());
            }

            try
            {
                var health = await http.GetStringAsync(new Uri(Url + "/health"));
                if (health.Contains("\"health\":\"true\"", StringComparison.Ordinal))
                {
                    return;
                }
            }
            catch (HttpRequestException)
            {
                // Not listening yet.
            }
            catch (TaskCanceledException)
            {
                // Slow to answer while starting.
            }

            if (waited.Elapsed > TimeSpan.FromSeconds(60))
            {
                throw new TimeoutException("etcd not healthy within 60 s:\n" + _process.Tail());
            }

            await Task.Delay(100);
        }
    }
}
