using System.Diagnostics;
using System.Runtime.CompilerServices;
using AuthzWebhook.Decisions;
using AuthzWebhook.Hosting;
using AuthzWebhook.Observability;
using AuthzWebhook.Policy;
using AuthzWebhook.Windows;
using Microsoft.Extensions.Options;

namespace AuthzWebhook.Webhook;

/// <summary>
/// One review, start to finish: decide, phrase the reason, hand the record to the record buffer, count it, and answer
/// once the record is written. The record carries the same decision id as the reason, so the API server's audit log
/// joins with ours.
/// </summary>
internal sealed class ReviewHandler(
    DecisionEngine engine,
    PolicyProvider policyProvider,
    ReplicaHealth health,
    DecisionRecordBuffer records,
    AuthzMetrics metrics,
    TimeProvider timeProvider,
    IOptions<InstanceOptions> instance,
    IOptions<WindowOptions> windowOptions)
{
    private const string UnrecordedError = "decision records are not being written fast enough (buffer full); allows are withheld until they are";
    private const string WithdrawnError = "the elevation was revoked or expired while this decision was being recorded";

    private readonly string _instanceName = instance.Value.InstanceName;

    /// <summary>
    /// The answer to send, only once its record is out (stdout and spool), so that no answer the API server acts on can
    /// be lost with this process. Its <see cref="ReviewOutcome.Answer"/> is null when the record was not written in
    /// time (see <see cref="DecisionLogOptions.WriteTimeout"/>): then no answer at all, the API server's failure policy
    /// decides, and nothing is allowed unaudited. The wait is short, but a grant must never outlive its window: an allow
    /// whose window ended meanwhile is withdrawn and answered as no opinion. Its record says allow; the reason the API
    /// server logs, with the same decision id, says withdrawn.
    /// </summary>
    // Pooled: the answer nearly always waits for the writer's batch, and an unpooled wait would cost an allocation per review.
    [AsyncMethodBuilder(typeof(PoolingAsyncValueTaskMethodBuilder<>))]
    public async ValueTask<ReviewOutcome> AnswerAsync(ReviewRequest request, long startedAt)
    {
        var answer = Decide(request, startedAt);

        // An answer without a record (refused by a full buffer) has ticket 0: nothing to wait for.
        if (!await records.WhenWrittenAsync(answer.RecordTicket).ConfigureAwait(false))
        {
            return new ReviewOutcome(answer.DecisionId, Answer: null);
        }

        if (!StillStands(answer))
        {
            answer = answer with { Allowed = false, Reason = DecisionReason.Withdrawn(answer.DecisionId, answer.Window!.Id), EvaluationError = WithdrawnError };
        }

        return new ReviewOutcome(answer.DecisionId, answer);
    }

    /// <summary>The decision, its reason and its queued record, without waiting for the record to be written (see <see cref="AnswerAsync"/>).</summary>
    public ReviewAnswer Decide(ReviewRequest request, long startedAt)
    {
        var now = timeProvider.GetUtcNow();
        var decisionId = Guid.CreateVersion7(now);
        var policy = policyProvider.Current;
        var decision = engine.Decide(request, policy, now);

        // Degraded but still fresh: the answer stands (from memory), and both the record and the status say so.
        var unreachable = health.Unreachable;
        var degraded = decision.Degraded || unreachable != UnreachableStores.None;
        string reason;
        string? evaluationError = decision.Degraded ? StalenessError() : UnreachableError(unreachable);
        switch (decision.Outcome)
        {
            case DecisionOutcome.Allow:
                reason = DecisionReason.Allowed(decisionId, decision.Window!.Id, decision.Template!.Name, decision.Window.ExpiresAt);
                break;
            case DecisionOutcome.Deny:
                reason = DecisionReason.Denied(decisionId, decision.Guardrail!);
                break;
            default:
                reason = decision.Degraded
                    ? DecisionReason.Degraded(decisionId)
                    : DecisionReason.NoOpinion(decisionId, DecisionEngine.RequestableFor(request, policy, DecisionReason.RequestableLookup), request.Namespace);
                break;
        }

        var elapsed = timeProvider.GetElapsedTime(startedAt);
        var outcome = decision.Outcome switch
        {
            DecisionOutcome.Allow => "allow",
            DecisionOutcome.Deny => "deny",
            _ => "no_opinion",
        };

        var recorded = records.Write(
            new DecisionRecord
            {
                Time = DecisionReason.Rfc3339Micro(now),
                DecisionId = decisionId,
                Decision = outcome,
                Reason = reason,
                ElevationId = decision.Window?.Id,
                Template = decision.Template?.Name,
                EvaluationError = evaluationError,
                Degraded = degraded,
                Guardrail = decision.Guardrail?.Name,
                AuditGuardrails = decision.AuditGuardrails is { } audit ? Array.ConvertAll(audit, g => g.Name) : null,
                User = new DecisionUser(request.User, request.Uid, request.Groups, request.Extra),
                Request = DecisionRequest.From(request),
                LatencyMicroseconds = (long)elapsed.TotalMicroseconds,
                Instance = _instanceName,
                // Only a recorded trace can be looked up; an unsampled request still has an activity (ASP.NET Core makes one
                // for log scopes) whose id leads nowhere, and formatting it would cost a string per review.
                TraceId = Activity.Current is { Recorded: true } activity ? activity.TraceId.ToHexString() : null,
            },
            out var ticket);

        metrics.RecordDecision(outcome, decision.Template?.Name, degraded, elapsed.TotalSeconds);
        if (decision.AuditGuardrails is { } hits)
        {
            foreach (var hit in hits)
            {
                metrics.RecordAuditGuardrail(hit.Name);
            }
        }

        if (!recorded && decision.Outcome == DecisionOutcome.Allow)
        {
            // Every allow must be auditable (invariant 5): one whose record cannot be kept is not given.
            return new ReviewAnswer(decisionId, Allowed: false, Denied: false, DecisionReason.Unrecorded(decisionId), UnrecordedError);
        }

        return new ReviewAnswer(decisionId, decision.Outcome == DecisionOutcome.Allow, decision.Outcome == DecisionOutcome.Deny, reason, evaluationError, ticket, decision.Window);
    }

    private static string? UnreachableError(UnreachableStores unreachable) => unreachable switch
    {
        UnreachableStores.None => null,
        UnreachableStores.Postgres => "degraded: Postgres unreachable; answered from windows held in memory, confirmed fresh through the Redis feed",
        UnreachableStores.Redis => "degraded: Redis unreachable; answered from windows held in memory, confirmed fresh from Postgres",
        _ => "degraded: Postgres and Redis unreachable; answered from windows held in memory within the staleness bound",
    };

    /// <summary>False when the window an allow rests on was revoked, expired or stopped being provably fresh while the answer waited.</summary>
    private bool StillStands(ReviewAnswer answer) =>
        !answer.Allowed || answer.Window is not { } window || engine.StillAllows(window, timeProvider.GetUtcNow());

    private string StalenessError()
    {
        var confirmed = health.Freshness.ConfirmedAt;
        var since = confirmed is { } at ? DecisionReason.Rfc3339(at) : "start-up";
        return $"elevation windows not confirmed fresh since {since} (bound {windowOptions.Value.StalenessBound.TotalSeconds:0.###}s); Postgres and Redis unreachable or lagging";
    }
}
