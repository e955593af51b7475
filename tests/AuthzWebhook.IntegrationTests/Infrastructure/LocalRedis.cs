using AuthzWebhook.TestSupport;

namespace AuthzWebhook.IntegrationTests.Infrastructure;

/// <summary>A throwaway Redis server on loopback for one test run, without persistence.</summary>
internal sealed class LocalRedis : IDisposable
{
    private readonly string _root;

    public LocalRedis()
    {
        if (!File.Exists("/usr/bin/redis-server"))
        {
            throw new InvalidOperationException("redis-server not found: run `make test` (it installs it), or set AUTHZ_TEST_REDIS to host:port.");
        }

        Port = FreePort.Next();
        _root = Directory.CreateTempSubdirectory("authz-test-redis-").FullName;
        Start();
    }

    public int Port { get; }

    public string Configuration => $"127.0.0.1:{Port}";

    public void Start()
    {
        ProcessRunner.Run("redis-server", [
            "--daemonize", "yes", "--bind", "127.0.0.1", "--port", Port.ToString(System.Globalization.CultureInfo.InvariantCulture),
            "--dir", _root, "--pidfile", Path.Combine(_root, "redis.pid"), "--logfile", Path.Combine(_root, "redis.log"),
            "--save", string.Empty, "--appendonly", "no",
        ]);
        var deadline = DateTime.UtcNow.AddSeconds(20);
        while (true)
        {
            try
            {
                if (ProcessRunner.Run("redis-cli", ["-p", Port.ToString(System.Globalization.CultureInfo.InvariantCulture), "ping"]).Trim() == "PONG")
                {
                    return;
                }
            }
            catch (InvalidOperationException) when (DateTime.UtcNow < deadline)
            {
            }

            if (DateTime.UtcNow > deadline)
            {
                throw new TimeoutException($"redis-server on port {Port} did not answer PING");
            }

            Thread.Sleep(50);
        }
    }

    public void Stop()
    {
        try
        {
            ProcessRunner.Run("redis-cli", ["-p", Port.ToString(System.Globalization.CultureInfo.InvariantCulture), "shutdown", "nosave"]);
        }
        catch (InvalidOperationException)
        {
            // redis-cli reports the dropped connection of a successful shutdown as an error.
        }
    }

    /// <summary>Kills the server outright (SIGKILL): no shutdown, connections reset, nothing saved.</summary>
    public void Kill() => Signal("KILL");

    /// <summary>Freezes the server (SIGSTOP): connections stay open and silent, as with a hung process or a long GC-like stall.</summary>
    public void Pause() => Signal("STOP");

    public void Resume() => Signal("CONT");

    /// <summary>Closes every client connection in subscribe mode, as a proxy or a failover would: messages published until they are back are lost to them.</summary>
    public void DropSubscribers() =>
        ProcessRunner.Run("redis-cli", ["-p", Port.ToString(System.Globalization.CultureInfo.InvariantCulture), "client", "kill", "type", "pubsub"]);

    private void Signal(string signal) =>
        ProcessRunner.Run("kill", ["-" + signal, File.ReadAllText(Path.Combine(_root, "redis.pid")).Trim()]);

    public void Dispose()
    {
        try
        {
            // A paused server would not answer the shutdown below.
            Resume();
        }
        catch (Exception ex) when (ex is InvalidOperationException or IOException)
        {
            // Killed, or never started: nothing to wake.
        }

        Stop();
        Directory.Delete(_root, recursive: true);
    }
}
