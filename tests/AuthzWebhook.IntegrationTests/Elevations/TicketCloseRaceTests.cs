using System.Globalization;
using AuthzWebhook.Elevations;
using AuthzWebhook.Identity;
using AuthzWebhook.IntegrationTests.Infrastructure;
using Npgsql;

namespace AuthzWebhook.IntegrationTests.Elevations;

/// <summary>
/// A request naming a ticket and the close of that ticket, racing: whichever commits first, nothing may be left
/// active under the closed ticket. The service is called directly so that the two transactions overlap as often as
/// the database allows, without HTTP between them.
/// </summary>
public sealed class TicketCloseRaceTests(TestServers servers) : LifecycleTest(servers)
{
    private const int Rounds = 50;

    [Fact]
    public async Task An_auto_approved_request_racing_the_close_of_its_ticket_never_stays_active()
    {
        var server = await StartServerAsync();
        var service = server.Service<ElevationService>();
        var erin = new CallerIdentity("oidc:" + Erin, ["oidc:developers"], HasMfa: false, CallerRoles.None, "erin-subject");
        var tool = new CallerIdentity("oidc:incident-bot@example.com", ["oidc:incident-tools"], HasMfa: false, CallerRoles.IncidentTool, "bot-subject");
        var failures = new List<string>();

        for (var round = 0; round < Rounds; round++)
        {
            var ticket = $"INC-R{round}";
            using var start = new ManualResetEventSlim();
            var create = Task.Run(async () =>
            {
                start.Wait();
                return await service.CreateAsync(erin, new CreateElevationBody("team-admin", ["team-a"], "PT30M", "race", ticket), null, CancellationToken.None);
            });
            var close = Task.Run(async () =>
            {
                start.Wait();
                return await service.CloseTicketAsync(ticket, tool, "resolved", CancellationToken.None);
            });
            start.Set();
            var (created, closed) = (await create, await close);

            Assert.Null(closed.Error);
            var active = await CountForTicketAsync("SELECT count(*) FROM elevations WHERE lower(ticket) = lower(@ticket) AND state = 'active'", ticket);
            var live = await CountForTicketAsync("SELECT count(*) FROM elevation_windows w JOIN elevations e ON e.id = w.id WHERE lower(e.ticket) = lower(@ticket) AND w.revoked_at IS NULL", ticket);
            if (active != 0 || live != 0)
            {
                failures.Add($"round {round}: {active} active, {live} live windows (create: {created.Error?.Type ?? created.Value?.Elevation.State.ToString()}, close ended {closed.Value!.Count})");
            }

            if (created.Error is { } refused)
            {
                Assert.Equal("ticket-closed", refused.Type);
            }
        }

        Assert.True(failures.Count == 0, string.Join(Environment.NewLine, failures));
        Assert.False((await server.ReviewAsync(Reviews.Resource("oidc:" + Erin, ["oidc:developers"], "get", "pods", "team-a"))).Allowed);
    }

    private async Task<long> CountForTicketAsync(string sql, string ticket)
    {
        await using var connection = new NpgsqlConnection(Database);
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand(sql, connection);
        command.Parameters.AddWithValue("ticket", ticket);
        return Convert.ToInt64(await command.ExecuteScalarAsync(), CultureInfo.InvariantCulture);
    }
}
