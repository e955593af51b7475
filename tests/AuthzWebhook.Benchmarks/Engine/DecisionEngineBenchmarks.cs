using AuthzWebhook.Decisions;
using AuthzWebhook.Policy;
using AuthzWebhook.Webhook;
using AuthzWebhook.Windows;
using BenchmarkDotNet.Attributes;
using Microsoft.Extensions.Options;

namespace AuthzWebhook.Benchmarks.Engine;

/// <summary>
/// <see cref="DecisionEngine.Decide"/> with 100 templates and 100, 10k and 1M active windows, on each path a review can
/// take. Target: under 2 µs at 10k, nearly flat to 1M, nothing allocated beyond the result.
/// </summary>
/// <remarks>Public and unsealed because BenchmarkDotNet derives its runner from this class.</remarks>
[MemoryDiagnoser]
[SimpleJob(launchCount: 1, warmupCount: 5, iterationCount: 15)]
public class DecisionEngineBenchmarks
{
    private static readonly DateTimeOffset Now = new(2025, 6, 1, 12, 0, 0, TimeSpan.Zero);

    private DecisionEngine _engine = null!;
    private AccessPolicy _policy = null!;
    private ReviewRequest _allow = null!;
    private ReviewRequest _allowAudited = null!;
    private ReviewRequest _allowManyGroups = null!;
    private ReviewRequest _noOpinion = null!;
    private ReviewRequest _deny = null!;

    [Params(100, 10_000, 1_000_000)]
    public int Windows { get; set; }

    [GlobalSetup]
    public void Setup()
    {
        _policy = BenchmarkPolicy.Load();
        var index = new ActiveWindowIndex();
        BenchmarkWindows.Fill(index, Windows, Now);
        var freshness = new WindowFreshness(new FixedTimeProvider(Now), Options.Create(new WindowOptions()));
        freshness.Confirm(Now);
        _engine = new DecisionEngine(index, freshness);

        var requests = new BenchmarkRequests(_policy, Windows);
        _allow = requests.CoveredByWindow();
        _allowAudited = requests.CoveredByWindow(extraGroup: BenchmarkPolicy.LegacyAdminGroup);
        _allowManyGroups = requests.CoveredByWindow(moreGroups: BenchmarkRequests.ManyGroups);
        _noOpinion = BenchmarkRequests.WithoutWindow();
        _deny = requests.HitsGuardrail();

        // A benchmark of the wrong path would measure nothing useful: check each one answers what its name says.
        Expect(_allow, DecisionOutcome.Allow, audits: 0);
        Expect(_allowAudited, DecisionOutcome.Allow, audits: 1);
        Expect(_allowManyGroups, DecisionOutcome.Allow, audits: 0);
        Expect(_noOpinion, DecisionOutcome.NoOpinion, audits: 0);
        Expect(_deny, DecisionOutcome.Deny, audits: 0);
        if (DecisionEngine.RequestableFor(_noOpinion, _policy).Count == 0)
        {
            throw new InvalidOperationException("the no-opinion review should have requestable templates to name");
        }
    }

    /// <summary>A user with a covering window: guardrails, the user's windows, then each group's windows.</summary>
    [Benchmark(Baseline = true)]
    public int Allow() => (int)_engine.Decide(_allow, _policy, Now).Outcome;

    /// <summary>As <see cref="Allow"/>, from a member of a group an audit-mode guardrail watches: the result names it.</summary>
    [Benchmark]
    public int AllowAudited() => (int)_engine.Decide(_allowAudited, _policy, Now).Outcome;

    /// <summary>As <see cref="Allow"/> from a user with 40 groups: every group is one more index lookup and guardrail check.</summary>
    [Benchmark]
    public int AllowWith40Groups() => (int)_engine.Decide(_allowManyGroups, _policy, Now).Outcome;

    /// <summary>A user without windows: the most common answer, since the API server asks only when RBAC said no.</summary>
    [Benchmark]
    public int NoOpinion() => (int)_engine.Decide(_noOpinion, _policy, Now).Outcome;

    /// <summary>
    /// What the webhook does on every no-opinion answer: decide, then list the templates the user could request
    /// (<see cref="DecisionEngine.RequestableFor"/>, with the limit <see cref="ReviewHandler"/> passes) for the reason text.
    /// </summary>
    [Benchmark]
    public int NoOpinionWithRequestable()
    {
        var decision = _engine.Decide(_noOpinion, _policy, Now);
        return (int)decision.Outcome + DecisionEngine.RequestableFor(_noOpinion, _policy, DecisionReason.RequestableLookup).Count;
    }

    /// <summary>An enforced guardrail denies before any window is looked at.</summary>
    [Benchmark]
    public int Deny() => (int)_engine.Decide(_deny, _policy, Now).Outcome;

    private void Expect(ReviewRequest request, DecisionOutcome outcome, int audits)
    {
        var decision = _engine.Decide(request, _policy, Now);
        if (decision.Outcome != outcome || (decision.AuditGuardrails?.Length ?? 0) != audits)
        {
            throw new InvalidOperationException($"expected {outcome} with {audits} audit guardrail(s) for {request.User}, got {decision}");
        }
    }
}
