using Microsoft.AspNetCore.Http.HttpResults;

namespace AuthzWebhook.Elevations;

/// <summary>RFC 7807 problem details for refusals, with stable <c>type</c> URNs clients can switch on.</summary>
internal static class ApiResults
{
    public const string TypePrefix = "urn:authzwebhook:problem:";

    public static ProblemHttpResult Problem(ApiError error) =>
        TypedResults.Problem(
            detail: error.Detail,
            statusCode: error.Status,
            title: error.Title,
            type: TypePrefix + error.Type,
            extensions: error.Errors is null ? null : new Dictionary<string, object?> { ["errors"] = error.Errors });
}
