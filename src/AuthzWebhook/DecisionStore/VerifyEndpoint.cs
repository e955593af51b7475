using System.Globalization;
using AuthzWebhook.Elevations;
using AuthzWebhook.Identity;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.Extensions.Options;

namespace AuthzWebhook.DecisionStore;

/// <summary>
/// <c>GET /decisions/verify</c>: checks the hash chains of the stored records in a time range, a bounded number of
/// records per call (<c>limit</c>, and <see cref="AuditReadOptions.VerifyMaxBytes"/>), going on with <c>cursor</c>.
/// </summary>
internal static class VerifyEndpoint
{
    public static readonly TimeSpan MaxRange = TimeSpan.FromDays(31);

    public static async Task<Results<Ok<ChainVerificationView>, ProblemHttpResult>> HandleAsync(
        CallerIdentity caller,
        StoredChainVerifier verifier,
        IOptions<AuditReadOptions> options,
        TimeProvider timeProvider,
        string? since,
        string? until,
        string? instance,
        string? limit,
        string? cursor,
        CancellationToken cancellationToken)
    {
        if (DecisionsApi.Refuse(caller) is { } refused)
        {
            return refused;
        }

        var errors = new Dictionary<string, string[]>(StringComparer.Ordinal);
        var max = options.Value.VerifyMaxPageSize;
        var size = options.Value.VerifyPageSize;
        if (limit is not null && (!int.TryParse(limit, NumberStyles.None, CultureInfo.InvariantCulture, out size) || size < 1 || size > max))
        {
            errors["limit"] = [$"must be a whole number from 1 to {max}"];
        }

        if (instance is not null && instance.Length is 0 or > 253)
        {
            errors["instance"] = ["must be an instance name of 1-253 characters"];
        }

        var to = DecisionsApi.Time(until, "until", errors);
        var from = DecisionsApi.Time(since, "since", errors);
        VerifyCursor? after = null;
        if (cursor is not null)
        {
            if (!VerifyCursor.TryParse(cursor, MaxRange, out after, out var invalid))
            {
                errors["cursor"] = [invalid];
            }
            else if ((from is not null && from != after!.Since) || (to is not null && to != after!.Until) || (instance is not null && instance != after!.Instance))
            {
                errors["cursor"] = ["carries the since, until and instance of the verification it continues; leave them out, or give the same"];
            }
        }

        to = after?.Until ?? to ?? timeProvider.GetUtcNow();
        from = after?.Since ?? from ?? to - TimeSpan.FromDays(1);
        if (errors.Count == 0 && (to <= from || to - from > MaxRange))
        {
            errors["since"] = [$"since must be before until, at most {MaxRange.TotalDays} days apart; check longer periods piece by piece"];
        }

        if (errors.Count == 0 && after is not null && !await verifier.IsStoredAsync(after, cancellationToken).ConfigureAwait(false))
        {
            errors["cursor"] = ["names a record that is not stored in its range with the hash the cursor carries: the record is gone (retention dropped its day) or the cursor was made up; start again without a cursor"];
        }

        if (errors.Count > 0)
        {
            return ApiResults.Problem(ApiError.Invalid(errors));
        }

        var result = await verifier.VerifyAsync(from.Value, to.Value, after?.Instance ?? instance, after, size, cancellationToken).ConfigureAwait(false);
        return TypedResults.Ok(new ChainVerificationView(
            from.Value,
            to.Value,
            result.Records,
            result.Problems.Count == 0 && result.ProblemsOmitted == 0,
            [.. result.Notes],
            [.. result.Problems],
            result.NotesOmitted,
            result.ProblemsOmitted,
            result.Next?.ToString()));
    }
}
