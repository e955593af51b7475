using AuthzWebhook.IntegrationTests.Infrastructure;
using AuthzWebhook.Notifications;
using AuthzWebhook.Storage.Postgres;
using Dapper;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using Microsoft.Extensions.Time.Testing;
using Npgsql;
using WireMock.RequestBuilders;
using WireMock.ResponseBuilders;
using WireMock.Server;

namespace AuthzWebhook.IntegrationTests.Notifications;

/// <summary>
/// A migrated database, a WireMock server standing in for every receiver, and fake time: backoff, leases and polls
/// move only when a test advances the clock, so nothing waits for real seconds.
/// </summary>
public abstract class NotificationTest(TestServers servers) : IntegrationTest(servers)
{
    protected static readonly DateTimeOffset Start = new(2026, 11, 27, 14, 0, 0, TimeSpan.Zero);

    protected const string Link = "https://authz.example.com/elevations/{id}";

    private readonly TaskCompletionSource _hanging = new(TaskCreationOptions.RunContinuationsAsynchronously);

    protected FakeTimeProvider Time { get; } = new(Start);

    private protected CapturedLogs Logs { get; } = new();

    protected WireMockServer Receivers { get; private set; } = null!;

    protected NpgsqlDataSource DataSource { get; private set; } = null!;

    public override async Task InitializeAsync()
    {
        await base.InitializeAsync();
        DataSource = NpgsqlDataSource.Create(Database);
        await new MigrationRunner(DataSource, NullLogger<MigrationRunner>.Instance).ApplyAsync(MigrationRunner.DefaultDirectory, default);
        Receivers = WireMockServer.Start();
    }

    public override async Task DisposeAsync()
    {
        await base.DisposeAsync();
        _hanging.TrySetResult();
        Receivers.Stop();
        Receivers.Dispose();
        await DataSource.DisposeAsync();
    }

    /// <summary>Settings with short, fake-time retry timing and a long per-attempt timeout, so advancing the clock never times out a request by accident.</summary>
    protected Dictionary<string, string?> Settings(params (string Name, string Format, string[] Events)[] receivers)
    {
        var settings = new Dictionary<string, string?>
        {
            ["AuthzWebhook:Notifications:PollInterval"] = "00:00:01",
            ["AuthzWebhook:Notifications:MaxAttempts"] = "3",
            ["AuthzWebhook:Notifications:InitialBackoff"] = "00:00:02",
            ["AuthzWebhook:Notifications:MaxBackoff"] = "00:00:08",
            ["AuthzWebhook:Notifications:Timeout"] = "00:05:00",
            ["AuthzWebhook:Notifications:Link"] = Link,
        };
        for (var i = 0; i < receivers.Length; i++)
        {
            var (name, format, events) = receivers[i];
            var key = $"AuthzWebhook:Notifications:Receivers:{i}";
            settings[$"{key}:Name"] = name;
            settings[$"{key}:Url"] = UrlOf(name);
            settings[$"{key}:Format"] = format;
            for (var e = 0; e < events.Length; e++)
            {
                settings[$"{key}:Events:{e}"] = events[e];
            }
        }

        return settings;
    }

    protected string UrlOf(string receiver) => $"{Receivers.Url}/{receiver}";

    private protected async Task<DispatcherHost> StartDispatcherAsync(IDictionary<string, string?> settings, NpgsqlDataSource? dataSource = null) =>
        Track(await DispatcherHost.StartAsync(dataSource ?? DataSource, Time, settings, Logs));

    /// <summary>An outbox with no dispatcher behind it, as a replica that only writes would have.</summary>
    private protected NotificationOutbox StandaloneOutbox(params (string Name, string[] Events)[] receivers) =>
        new(new NotificationSignal(), Time, Options.Create(new NotificationOptions
        {
            Receivers = [.. receivers.Select(r => new NotificationReceiver { Name = r.Name, Url = UrlOf(r.Name), Format = "json", Events = r.Events })],
        }));

    /// <summary>Queues the notifications in one committed transaction, then nudges, as the lifecycle code does.</summary>
    private protected async Task EnqueueAsync(NotificationOutbox outbox, params NotificationEvent[] notifications)
    {
        await using var connection = await DataSource.OpenConnectionAsync();
        await using var transaction = await connection.BeginTransactionAsync();
        foreach (var notification in notifications)
        {
            await outbox.EnqueueAsync(connection, transaction, notification, default);
        }

        await transaction.CommitAsync();
        outbox.Nudge();
    }

    protected void Respond(string receiver, int status) =>
        Receivers.Given(Request.Create().WithPath("/" + receiver).UsingPost()).RespondWith(Response.Create().WithStatusCode(status));

    /// <summary>Takes requests and answers none of them until the test ends.</summary>
    protected void Hang(string receiver) =>
        Receivers.Given(Request.Create().WithPath("/" + receiver).UsingPost()).RespondWith(Response.Create().WithStatusCode(200).WithBody(async _ =>
        {
            await _hanging.Task;
            return string.Empty;
        }));

    /// <summary>Answers <paramref name="first"/> once, then 200 for good.</summary>
    protected void RespondOnceThenSucceed(string receiver, int first)
    {
        Receivers.Given(Request.Create().WithPath("/" + receiver).UsingPost()).InScenario(receiver).WillSetStateTo("recovered")
            .RespondWith(Response.Create().WithStatusCode(first));
        Receivers.Given(Request.Create().WithPath("/" + receiver).UsingPost()).InScenario(receiver).WhenStateIs("recovered")
            .RespondWith(Response.Create().WithStatusCode(200));
    }

    protected List<WireMock.IRequestMessage> Received(string receiver) =>
        [.. Receivers.LogEntries.Select(e => e.RequestMessage!).Where(r => r.Path == "/" + receiver)];

    protected async Task<List<OutboxState>> OutboxAsync(string? receiver = null)
    {
        await using var connection = await DataSource.OpenConnectionAsync();
        var rows = await connection.QueryAsync<OutboxState>(OutboxState.Select + " WHERE @receiver::text IS NULL OR receiver = @receiver ORDER BY id", new { receiver });
        return [.. rows];
    }

    protected async Task<OutboxState> RowAsync(string receiver) => Assert.Single(await OutboxAsync(receiver));

    /// <summary>Advances fake time by <paramref name="step"/> until <paramref name="condition"/> holds.</summary>
    protected Task AdvanceUntilAsync(Func<Task<bool>> condition, TimeSpan step, string what) =>
        EventuallyAsync(
            async () =>
            {
                if (await condition())
                {
                    return true;
                }

                Time.Advance(step);
                return false;
            },
            TimeSpan.FromSeconds(15),
            what);

    /// <summary>Gives the dispatcher real time to do something it must not do.</summary>
    protected static Task SettleAsync() => Task.Delay(300);

    private protected static NotificationEvent Requested(Guid? id = null, string actor = "alice") => new(
        NotificationEvents.Requested,
        Start,
        actor,
        null,
        new NotificationElevation(id ?? Guid.CreateVersion7(), "pending", "pod-debug", "alice", ["payments"], "PT30M", "debugging a stuck payout", "INC-4711", 2, 0, null, null));
}
