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
        var answer = _rig.Handler.Decide(AliceReadsLogs, _rig.Time.GetTimestamp());

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

        var answer = _rig.Handler.Decide(AliceReadsLogs, _rig.Time.GetTimestamp());

        Assert.True(answer.Allowed, answer.Reason);
        Assert.Contains(said, answer.EvaluationError, StringComparison.Ordinal);
        Assert.True(_rig.Records.Reader.TryRead(out var record));
        Assert.True(record.Degraded);
        Assert.Equal(answer.EvaluationError, record.EvaluationError);

        _rig.Health.Report(store, reachable: true);
        var recovered = _rig.Handler.Decide(AliceReadsLogs, _rig.Time.GetTimestamp());
        Assert.Null(recovered.EvaluationError);
        Assert.True(_rig.Records.Reader.TryRead(out var after));
        Assert.False(after.Degraded);
    }

    [Fact]
    public void Past_the_staleness_bound_it_never_grants_even_a_window_it_holds()
    {
        _rig.Health.Report(UnreachableStores.Postgres | UnreachableStores.Redis, reachable: false);
        _rig.Time.Advance(new WindowOptions().StalenessBound + TimeSpan.FromTicks(1));

        var answer = _rig.Handler.Decide(AliceReadsLogs, _rig.Time.GetTimestamp());

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
            _rig.Handler.Decide(AliceReadsLogsIn("elsewhere"), _rig.Time.GetTimestamp());
        }

        var answer = _rig.Handler.Decide(AliceReadsLogs, _rig.Time.GetTimestamp());

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

        _rig.Handler.Decide(AliceReadsLogs, _rig.Time.GetTimestamp());

        Assert.True(_rig.Records.Reader.TryRead(out var record));
        Assert.Equal(named ? traceId.ToHexString() : null, record.TraceId);
    }

    [Fact]
    public async Task An_answer_is_given_only_once_its_record_is_written()
    {
        var answering = _rig.Handler.AnswerAsync(AliceReadsLogs, _rig.Time.GetTimestamp());
        Assert.False(answering.IsCompleted, "the answer waits for its record");

        _rig.Records.MarkWritten(1);
        var outcome = await answering;

        Assert.True(outcome.Answer?.Allowed, outcome.Answer?.Reason);
        Assert.True(_rig.Records.Reader.TryRead(out var record));
        Assert.Equal(record.DecisionId, outcome.DecisionId);
    }

    [Fact]
    public async Task A_review_whose_record_is_not_written_gets_no_answer_only_its_decision_id()
    {
        var answering = _rig.Handler.AnswerAsync(AliceReadsLogs, _rig.Time.GetTimestamp());

        _rig.Records.MarkNotWritten(1);
        var outcome = await answering;

        Assert.Null(outcome.Answer);
        Assert.True(_rig.Records.Reader.TryRead(out var record));
        Assert.Equal(record.DecisionId, outcome.DecisionId);
    }

    [Fact]
    public async Task An_allow_whose_window_is_revoked_while_its_record_is_written_is_withdrawn()
    {
        var answering = _rig.Handler.AnswerAsync(AliceReadsLogs, _rig.Time.GetTimestamp());
        Assert.True(_rig.Records.Reader.TryRead(out var record));
        var window = Assert.Single(_rig.Windows.ForUser("oidc:alice@example.com"));

        _rig.Windows.Apply(window with { RevokedAt = Now, Version = window.Version + 1 });
        _rig.Records.MarkWritten(1);
        var answer = (await answering).Answer!.Value;

        Assert.Equal("allow", record.Decision);
        Assert.False(answer.Allowed);
        Assert.False(answer.Denied);
        Assert.Equal(DecisionReason.Withdrawn(record.DecisionId, window.Id), answer.Reason);
        Assert.Equal("the elevation was revoked or expired while this decision was being recorded", answer.EvaluationError);
    }

    [Fact]
    public async Task An_allow_past_its_window_expiry_when_its_record_is_written_is_withdrawn()
    {
        var answering = _rig.Handler.AnswerAsync(AliceReadsLogs, _rig.Time.GetTimestamp());
        var window = Assert.Single(_rig.Windows.ForUser("oidc:alice@example.com"));

        _rig.Time.SetUtcNow(window.ExpiresAt);
        _rig.Records.MarkWritten(1);

        Assert.False((await answering).Answer?.Allowed);
    }

    [Fact]
    public async Task A_no_opinion_stands_whatever_happens_to_the_windows_meanwhile()
    {
        var answering = _rig.Handler.AnswerAsync(AliceReadsLogsIn("elsewhere"), _rig.Time.GetTimestamp());
        Assert.True(_rig.Records.Reader.TryRead(out var record));
        var window = Assert.Single(_rig.Windows.ForUser("oidc:alice@example.com"));

        _rig.Windows.Apply(window with { RevokedAt = Now, Version = window.Version + 1 });
        _rig.Records.MarkWritten(1);
        var answer = (await answering).Answer!.Value;

        Assert.False(answer.Allowed);
        Assert.Null(answer.EvaluationError);
        Assert.Equal(record.Reason, answer.Reason);
    }
}
