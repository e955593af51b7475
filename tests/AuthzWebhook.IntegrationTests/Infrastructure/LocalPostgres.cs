using AuthzWebhook.TestSupport;
using Npgsql;

namespace AuthzWebhook.IntegrationTests.Infrastructure;

/// <summary>
/// A throwaway PostgreSQL server for one test run: its own data directory and port on loopback, fsync off
/// (nothing here must survive a crash), stopped and deleted on dispose.
/// </summary>
internal sealed class LocalPostgres : IDisposable
{
    private readonly string _bin;
    private readonly string _root;
    private readonly string _data;

    private readonly string _location;

    public LocalPostgres()
    {
        _bin = FindBinaries();
        Port = FreePort.Next();
        _root = Directory.CreateTempSubdirectory("authz-test-pg-").FullName;
        _data = Path.Combine(_root, "data");
        Directory.CreateDirectory(_data);
        if (ProcessRunner.IsRoot)
        {
            ProcessRunner.Run("chown", ["-R", "postgres:postgres", _root]);
        }

        ProcessRunner.RunAsPostgres(Path.Combine(_bin, "initdb"), ["-D", _data, "-U", "postgres", "-A", "trust", "--no-sync", "-E", "UTF8", "--locale=C"]);
        _location = $"-c listen_addresses=127.0.0.1 -p {Port} -k {_root} -c max_connections=300";
        Start();
        AdminConnectionString = $"Host=127.0.0.1;Port={Port};Username=postgres;Database=postgres;Pooling=false";
    }

    public int Port { get; }

    public string AdminConnectionString { get; }

    /// <summary>Creates an empty database and returns a pooled connection string for it with short timeouts, as fault tests need.</summary>
    public string CreateDatabase(string name)
    {
        using (var connection = new NpgsqlConnection(AdminConnectionString))
        {
            connection.Open();
            using var command = new NpgsqlCommand($"CREATE DATABASE \"{name}\"", connection);
            command.ExecuteNonQuery();
        }

        return new NpgsqlConnectionStringBuilder(AdminConnectionString) { Database = name, Pooling = true, Timeout = 2, CommandTimeout = 2 }.ConnectionString;
    }

    public void Stop() => ProcessRunner.RunAsPostgres(Path.Combine(_bin, "pg_ctl"), ["-D", _data, "-m", "fast", "-w", "stop"]);

    /// <summary>
    /// Starts the server (again) on the same port, as after a crash or a planned restart: fast and not crash-safe
    /// (fsync off) for tests, or <paramref name="durable"/> with whatever the data directory's configuration says.
    /// </summary>
    public void Start(bool durable = false) => ProcessRunner.RunAsPostgres(
        Path.Combine(_bin, "pg_ctl"),
        ["-D", _data, "-l", Path.Combine(_root, "log"), "-w", "-t", "60", "start", "-o", durable ? _location : _location + " -c fsync=off -c full_page_writes=off -c synchronous_commit=off"]);

    /// <summary>
    /// Puts the server in the idle scheduling class, so that it runs only on CPU time nothing else wants: on a
    /// two-core machine the nearest thing to a database on its own hardware, for benchmarks that measure the service
    /// alone. Connections forked later inherit the class; a restart puts the server back in the normal class.
    /// </summary>
    public void YieldCpu()
    {
        var postmaster = File.ReadLines(Path.Combine(_data, "postmaster.pid")).First().Trim();
        var children = ProcessRunner.Run("pgrep", ["-P", postmaster]).Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
        foreach (var pid in children.Prepend(postmaster))
        {
            ProcessRunner.Run("chrt", ["--idle", "--all-tasks", "--pid", "0", pid]);
        }
    }

    public void Dispose()
    {
        try
        {
            ProcessRunner.RunAsPostgres(Path.Combine(_bin, "pg_ctl"), ["-D", _data, "-m", "immediate", "-w", "stop"]);
        }
        catch (InvalidOperationException)
        {
            // Already stopped.
        }

        NpgsqlConnection.ClearAllPools();
        Directory.Delete(_root, recursive: true);
    }

    private static string FindBinaries()
    {
        const string root = "/usr/lib/postgresql";
        var newest = Directory.Exists(root)
            ? Directory.GetDirectories(root).Select(d => Path.Combine(d, "bin")).Where(d => File.Exists(Path.Combine(d, "initdb")))
                .OrderByDescending(d => int.TryParse(Path.GetFileName(Path.GetDirectoryName(d)), out var v) ? v : 0).FirstOrDefault()
            : null;
        return newest ?? throw new InvalidOperationException(
            "PostgreSQL server binaries not found under /usr/lib/postgresql: run `make test` (it installs them), or set AUTHZ_TEST_POSTGRES to an admin connection string.");
    }
}
