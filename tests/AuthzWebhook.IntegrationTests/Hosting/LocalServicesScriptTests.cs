using System.Globalization;
using System.Runtime.Versioning;
using AuthzWebhook.IntegrationTests.Infrastructure;
using AuthzWebhook.TestSupport;
using Npgsql;

namespace AuthzWebhook.IntegrationTests.Hosting;

/// <summary>
/// scripts/local-services.sh, which <c>make run</c> and <c>make services</c> use, in a checkout inside a directory only
/// its owner may enter (as a clone in root's home is). As root, Postgres runs as the postgres user, which cannot enter
/// such a checkout: its data must live where that user can reach it, and be found there again.
/// </summary>
[SupportedOSPlatform("linux")]
public sealed class LocalServicesScriptTests
{
    [Fact]
    public void Postgres_and_Redis_start_stop_and_start_again_from_a_checkout_other_users_cannot_enter()
    {
        var closed = Directory.CreateTempSubdirectory("authz-test-closed-");
        File.SetUnixFileMode(closed.FullName, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
        var checkout = Path.Combine(closed.FullName, "checkout");
        var script = Path.Combine(checkout, "scripts", "local-services.sh");
        var local = Path.Combine(checkout, ".local");
        Directory.CreateDirectory(Path.GetDirectoryName(script)!);
        Directory.CreateDirectory(local);
        File.Copy(Path.Combine(RepositoryRoot.Path, "scripts", "local-services.sh"), script);
        // Ports of this test's own choosing, so that nothing else running here (a `make run`, other tests) is touched.
        var postgresPort = FreePort.Next();
        var redisPort = FreePort.Next();
        File.WriteAllText(Path.Combine(local, "ports.env"), $"PG_PORT={postgresPort}\nREDIS_PORT={redisPort}\n");
        var database = $"Host=127.0.0.1;Port={postgresPort};Database=authz;Username=postgres;Pooling=false;Timeout=5";
        try
        {
            Run(script, "start");
            Execute(database, "CREATE TABLE kept (id int)");
            Assert.Equal("PONG", RedisPing(redisPort));
            var data = new DirectoryInfo(Path.Combine(local, "postgres"));
            if (ProcessRunner.IsRoot)
            {
                // Outside the closed directory, the postgres user's alone, and linked from .local/postgres.
                var target = Assert.IsType<DirectoryInfo>(data.ResolveLinkTarget(returnFinalTarget: true));
                Assert.False(target.FullName.StartsWith(closed.FullName, StringComparison.Ordinal), target.FullName);
                Assert.Equal("postgres", ProcessRunner.Run("stat", ["-c", "%U", target.Parent!.FullName]).Trim());
                Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute, File.GetUnixFileMode(target.Parent.FullName));
            }
            else
            {
                // Postgres runs as the invoking user, who can enter the checkout: the data stays in it.
                Assert.Null(data.LinkTarget);
                Assert.True(File.Exists(Path.Combine(data.FullName, "PG_VERSION")));
            }

            Run(script, "stop");
            Assert.ThrowsAny<NpgsqlException>(() => Execute(database, "SELECT 1"));
            Assert.NotEqual("PONG", RedisPing(redisPort));

            // The next start finds the same data.
            Run(script, "start");
            Execute(database, "SELECT count(*) FROM kept");
            Run(script, "stop");
        }
        finally
        {
            ProcessRunner.RunCaptured("bash", [script, "stop"]);
            RemoveExternalData(Path.Combine(local, "postgres"));
            closed.Delete(recursive: true);
        }
    }

    private static void Run(string script, string command)
    {
        var (exit, stdout, stderr) = ProcessRunner.RunCaptured("bash", [script, command], TimeSpan.FromMinutes(2));
        Assert.True(exit == 0, $"local-services.sh {command} exited {exit}: {stdout}{stderr}");
    }

    private static void Execute(string connectionString, string sql)
    {
        using var connection = new NpgsqlConnection(connectionString);
        connection.Open();
        using var command = new NpgsqlCommand(sql, connection);
        command.ExecuteNonQuery();
    }

    private static string RedisPing(int port) =>
        ProcessRunner.RunCaptured("redis-cli", ["-p", port.ToString(CultureInfo.InvariantCulture), "ping"]).Stdout.Trim();

    /// <summary>The data directory the script made outside the checkout, if it made one (as root).</summary>
    private static void RemoveExternalData(string link)
    {
        if (new DirectoryInfo(link).ResolveLinkTarget(returnFinalTarget: true) is DirectoryInfo { Parent: { } external } && external.Name.StartsWith("authz-webhook-", StringComparison.Ordinal))
        {
            external.Delete(recursive: true);
        }
    }
}
