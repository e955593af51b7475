using System.Diagnostics;
using AuthzWebhook.Decisions;
using AuthzWebhook.Windows;
using static AuthzWebhook.Tests.Windows.TestWindows;

namespace AuthzWebhook.Tests.Webhook;

/// <summary>An allow is only ever given with its decision record (invariant 5): when the record cannot be kept, no allow.</summary>
public sealed class ReviewHandlerTests : IAsyncLifetime
{
    private ReviewHandlerRig _rig = null!;

    private static readonly ReviewRequest AliceReadsLogs = AliceReadsLogsIn("payments");

    private static ReviewRequest AliceReadsLogsIn(string ns) => new()
    {
        User = "oidc:alice@example.com",
        Groups = ["oidc:sre"],
        IsResourceRequest = true,
        Verb = "get",
        Resource = "pods",
        Subresource = "log",
        Namespace = ns,
        Name = "api-1",
    };

    public async Task InitializeAsync()
    {
        _rig = await ReviewHandlerRig.StartAsync("unit");
        _rig.Windows.Apply(ForUser("oidc:alice@example.com"));
    }

    public async Task DisposeAsync() => await _rig.DisposeAsync();

    [Fact]
    public void An_allow_is_given_with_its_record()
    {
        var answer = _rig.Handler.Handle(AliceReadsLogs, _rig.Time.GetTimestamp());

        Assert.True(answer.Allowed, answer.Reason);
        Assert.True(_rig.Records.Reader.TryRead(out var record));
        Assert.Equal(answer.DecisionId, record.DecisionId);
        Assert.Equal("allow", record.Decision);
    }

    [Theory]
    [InlineData("redis", "Redis unreachable")]
    [InlineData("postgres", "Postgres unreachable")]
    public void With_a_store_unreachable_but_windows_fresh_it_grants_from_memory_and_says_degraded(string lost, string said)
    {
        var store = lost == "redis" ? UnreachableStores.Redis : UnreachableStores.Postgres;
        _rig.Health.Report(store, reachable: false);

        var answer = _rig.Handler.Handle(AliceReadsLogs, _rig.Time.GetTimestamp());

        Assert.True(answer.Allowed, answer.Reason);
        Assert.Contains(said, answer.EvaluationError, StringComparison.Ordinal);
        Assert.True(_rig.Records.Reader.TryRead(out var record));
        Assert.True(record.Degraded);
        Assert.Equal(answer.EvaluationError, record.EvaluationError);

        _rig.Health.Report(store, reachable: true);
        var recovered = _rig.Handler.Handle(AliceReadsLogs, _rig.Time.GetTimestamp());
        Assert.Null(recovered.EvaluationError);
        Assert.True(_rig.Records.Reader.TryRead(out var after));
        Assert.False(after.Degraded);
    }

    [Fact]
    public void Past_the_staleness_bound_it_never_grants_even_a_window_it_holds()
    {
        _rig.Health.Report(UnreachableStores.Postgres | UnreachableStores.Redis, reachable: false);
        _rig.Time.Advance(new WindowOptions().StalenessBound + TimeSpan.FromTicks(1));

        var answer = _rig.Handler.Handle(AliceReadsLogs, _rig.Time.GetTimestamp());

        Assert.False(answer.Allowed);
        Assert.False(answer.Denied);
        Assert.Contains("not confirmed fresh", answer.EvaluationError, StringComparison.Ordinal);
        Assert.True(_rig.Records.Reader.TryRead(out var record));
        Assert.True(record.Degraded);
    }

    [Fact]
    public void With_the_record_buffer_full_an_allow_is_withheld()
    {
        while (_rig.Records.Backlog < 1024)
        {
            _rig.Handler.Handle(AliceReadsLogsIn("elsewhere"), _rig.Time.GetTimestamp());
        }

        var answer = _rig.Handler.Handle(AliceReadsLogs, _rig.Time.GetTimestamp());

        Assert.False(answer.Allowed);
        Assert.False(answer.Denied);
        Assert.StartsWith($"decision {answer.DecisionId}", answer.Reason, StringComparison.Ordinal);
        Assert.NotNull(answer.EvaluationError);
        Assert.Equal(1, _rig.Records.Dropped);
    }

    [Theory]
    [InlineData(ActivityTraceFlags.Recorded, true)]
    [InlineData(ActivityTraceFlags.None, false)]
    public void The_record_names_the_trace_only_when_it_is_recorded(ActivityTraceFlags flags, bool named)
    {
        var traceId = ActivityTraceId.CreateRandom();
        using var activity = new Activity("review").SetParentId(traceId, ActivitySpanId.CreateRandom(), flags).Start();

        _rig.Handler.Handle(AliceReadsLogs, _rig.Time.GetTimestamp());

        Assert.True(_rig.Records.Reader.TryRead(out var record));
        Assert.Equal(named ? traceId.ToHexString() : null, record.TraceId);
    }


    [Fact]
    public void An_allow_whose_window_ends_while_its_record_is_written_no_longer_stands()
    {
        var allowed = _rig.Handler.Handle(AliceReadsLogs, _rig.Time.GetTimestamp());
        Assert.True(allowed.Allowed, allowed.Reason);
        Assert.True(_rig.Handler.StillStands(allowed));

        _rig.Windows.Apply(allowed.Window! with { RevokedAt = Now, Version = allowed.Window.Version + 1 });
        Assert.False(_rig.Handler.StillStands(allowed));

        var noOpinion = _rig.Handler.Handle(AliceReadsLogsIn("elsewhere"), _rig.Time.GetTimestamp());
        Assert.True(_rig.Handler.StillStands(noOpinion));
    }

    [Fact]
    public void An_allow_past_its_window_expiry_no_longer_stands()
    {
        var allowed = _rig.Handler.Handle(AliceReadsLogs, _rig.Time.GetTimestamp());
        Assert.True(allowed.Allowed, allowed.Reason);

        _rig.Time.SetUtcNow(allowed.Window!.ExpiresAt);

        Assert.False(_rig.Handler.StillStands(allowed));
    }
}
