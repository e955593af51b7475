using System.Globalization;
using System.Threading.RateLimiting;
using AuthzWebhook.Identity;
using Microsoft.Extensions.Options;

namespace AuthzWebhook.Elevations;

/// <summary>
/// Per-user request budget on the API (by username after mapping, or by address for callers not yet signed in), so one
/// script gone wrong cannot starve everyone else of the approval path during an incident.
/// </summary>
internal static class ApiRateLimits
{
    public const string Policy = "api";

    public static IServiceCollection AddApiRateLimits(this IServiceCollection services)
    {
        services.AddRateLimiter(o =>
        {
            o.RejectionStatusCode = StatusCodes.Status429TooManyRequests;
            o.AddPolicy(Policy, context =>
            {
                var permits = context.RequestServices.GetRequiredService<IOptions<ApiOptions>>().Value.PermitsPerMinute;
                var key = context.Items[CallerIdentity.Item] is CallerIdentity caller
                    ? "user:" + caller.Username
                    : "address:" + context.Connection.RemoteIpAddress;
                return RateLimitPartition.GetFixedWindowLimiter(key, _ => new FixedWindowRateLimiterOptions
                {
                    PermitLimit = permits,
                    Window = TimeSpan.FromMinutes(1),
                    QueueLimit = 0,
                });
            });
            o.OnRejected = async (context, cancellationToken) =>
            {
                var retryAfter = context.Lease.TryGetMetadata(MetadataName.RetryAfter, out var wait) ? wait : TimeSpan.FromMinutes(1);
                context.HttpContext.Response.Headers.RetryAfter = ((int)Math.Ceiling(retryAfter.TotalSeconds)).ToString(CultureInfo.InvariantCulture);
                await ApiResults.Problem(new ApiError(
                    StatusCodes.Status429TooManyRequests,
                    "rate-limited",
                    "Too many requests",
                    $"This API allows a limited number of requests per minute for each user; retry after {(int)Math.Ceiling(retryAfter.TotalSeconds)} seconds.")).ExecuteAsync(context.HttpContext).ConfigureAwait(false);
            };
        });
        return services;
    }
}
