using System.Collections.Concurrent;
using System.Diagnostics;
using System.Globalization;
using AuthzWebhook.TestSupport;

namespace AuthzWebhook.IntegrationTests.Infrastructure;

/// <summary>
/// The built service as its own process, configured only by its environment as in a pod, on its own ports, with
/// every line of its stdout (decision records) and stderr (logs) kept. It can be stopped as Kubernetes stops a pod
/// (SIGTERM) or killed outright (SIGKILL).
/// </summary>
public sealed class ServiceProcess : IAsyncDisposable
{
    private readonly Process _process;
    private readonly ConcurrentQueue<string> _stdout = new();
    private readonly ConcurrentQueue<string> _stderr = new();

    private ServiceProcess(Process process, int webhookPort, int apiPort, int managementPort)
    {
        _process = process;
        WebhookPort = webhookPort;
        ApiPort = apiPort;
        ManagementPort = managementPort;
    }

    public int WebhookPort { get; }

    public int ApiPort { get; }

    public int ManagementPort { get; }

    public Uri AuthorizeUri => new($"https://localhost:{WebhookPort}/authorize?timeout=30s");

    public IReadOnlyList<string> Stdout => [.. _stdout];

    public IReadOnlyList<string> Stderr => [.. _stderr];

    public bool HasExited => _process.HasExited;

    /// <summary>
    /// Starts the service with <paramref name="settings"/> (configuration keys as in appsettings, <c>AuthzWebhook:...</c>)
    /// on top of listener settings for fresh ports and <paramref name="pki"/>, and waits until <c>/readyz</c> answers 200.
    /// </summary>
    public static Task<ServiceProcess> StartAsync(TestPki pki, IDictionary<string, string?> settings) =>
        StartAsync(pki, settings, ServicePorts.Fresh());

    /// <summary>As above on the given ports: a process started again on the same ones is what its clients knew.</summary>
    public static async Task<ServiceProcess> StartAsync(TestPki pki, IDictionary<string, string?> settings, ServicePorts ports)
    {
        var (webhookPort, apiPort, managementPort) = ports;
        var start = ServiceCommand.StartInfo();
        var all = new Dictionary<string, string?>
        {
            ["AuthzWebhook:Webhook:BindAddress"] = "127.0.0.1",
            ["AuthzWebhook:Webhook:Port"] = webhookPort.ToString(CultureInfo.InvariantCulture),
            ["AuthzWebhook:Webhook:CertificatePath"] = pki.ServerCertificatePath,
            ["AuthzWebhook:Webhook:KeyPath"] = pki.ServerKeyPath,
            ["AuthzWebhook:Webhook:ClientCaPath"] = pki.CaPath,
            ["AuthzWebhook:Api:BindAddress"] = "127.0.0.1",
            ["AuthzWebhook:Api:Port"] = apiPort.ToString(CultureInfo.InvariantCulture),
            ["AuthzWebhook:Api:CertificatePath"] = pki.ServerCertificatePath,
            ["AuthzWebhook:Api:KeyPath"] = pki.ServerKeyPath,
            ["AuthzWebhook:Management:BindAddress"] = "127.0.0.1",
            ["AuthzWebhook:Management:Port"] = managementPort.ToString(CultureInfo.InvariantCulture),
        };
        foreach (var (key, value) in settings)
        {
            all[key] = value;
        }

        foreach (var (key, value) in all)
        {
            start.Environment[key.Replace(":", "__", StringComparison.Ordinal)] = value;
        }

        var process = new Process { StartInfo = start };
        var service = new ServiceProcess(process, webhookPort, apiPort, managementPort);
        process.OutputDataReceived += (_, e) =>
        {
            if (e.Data is not null)
            {
                service._stdout.Enqueue(e.Data);
            }
        };
        process.ErrorDataReceived += (_, e) =>
        {
            if (e.Data is not null)
            {
                service._stderr.Enqueue(e.Data);
            }
        };
        process.Start();
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        await service.WaitUntilReadyAsync();
        return service;
    }

    /// <summary>SIGKILL: no shutdown, nothing flushed that was not already handed to the operating system.</summary>
    public void Kill()
    {
        ProcessRunner.Run("kill", ["-KILL", _process.Id.ToString(CultureInfo.InvariantCulture)]);
        _process.WaitForExit(TimeSpan.FromSeconds(30));
        _process.WaitForExit();
    }

    /// <summary>SIGTERM, as Kubernetes stops a pod; returns the exit code.</summary>
    public int Stop()
    {
        ProcessRunner.Run("kill", ["-TERM", _process.Id.ToString(CultureInfo.InvariantCulture)]);
        if (!_process.WaitForExit(TimeSpan.FromSeconds(30)))
        {
            throw new TimeoutException("the service did not stop within 30 s of SIGTERM");
        }

        _process.WaitForExit();
        return _process.ExitCode;
    }

    public ValueTask DisposeAsync()
    {
        if (!_process.HasExited)
        {
            _process.Kill(entireProcessTree: true);
            _process.WaitForExit();
        }

        _process.Dispose();
        return ValueTask.CompletedTask;
    }

    private async Task WaitUntilReadyAsync()
    {
        using var probe = new HttpClient();
        var deadline = Stopwatch.StartNew();
        while (true)
        {
            if (_process.HasExited)
            {
                throw new InvalidOperationException("the service exited: " + string.Join('\n', _stderr));
            }

            try
            {
                using var ready = await probe.GetAsync(new Uri($"http://127.0.0.1:{ManagementPort}/readyz"));
                if (ready.IsSuccessStatusCode)
                {
                    return;
                }
            }
            catch (HttpRequestException)
            {
                // Not listening yet.
            }

            if (deadline.Elapsed > TimeSpan.FromSeconds(60))
            {
                throw new TimeoutException("the service did not become ready within 60 s: " + string.Join('\n', _stderr));
            }

            await Task.Delay(100);
        }
    }
}
