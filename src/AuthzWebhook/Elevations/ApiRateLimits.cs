using System.Globalization;
using System.Threading.RateLimiting;
using AuthzWebhook.Identity;
using Microsoft.Extensions.Options;

namespace AuthzWebhook.Elevations;

/// <summary>
/// Per-user request budget on the API (by username after mapping, or by address for callers not yet signed in), so one
/// script gone wrong cannot starve everyone else of the approval path during an incident. Every request has passed the
/// per-address budget (<see cref="ApiAddressLimits"/>) before it gets here.
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
                    : "address:" + ApiAddressLimits.PartitionOf(context.Connection.RemoteIpAddress);
                return RateLimitPartition.GetFixedWindowLimiter(key, _ => new FixedWindowRateLimiterOptions
                {
                    PermitLimit = permits,
                    Window = TimeSpan.FromMinutes(1),
                    QueueLimit = 0,
                });
            });
            o.OnRejected = (context, _) =>
            {
                var retryAfter = context.Lease.TryGetMetadata(MetadataName.RetryAfter, out var wait) ? wait : TimeSpan.FromMinutes(1);
                return new ValueTask(RejectAsync(context.HttpContext, retryAfter, "This API allows a limited number of requests per minute for each user"));
            };
        });
        services.AddSingleton<ApiAddressLimits>();
        return services;
    }

    /// <summary>A 429 with <c>Retry-After</c> in whole seconds, as problem details that say how long to wait.</summary>
    public static Task RejectAsync(HttpContext context, TimeSpan retryAfter, string limit)
    {
        var seconds = (int)Math.Ceiling(retryAfter.TotalSeconds);
        context.Response.Headers.RetryAfter = seconds.ToString(CultureInfo.InvariantCulture);
        return ApiResults.Problem(new ApiError(
            StatusCodes.Status429TooManyRequests,
            "rate-limited",
            "Too many requests",
            $"{limit}; retry after {seconds} seconds.")).ExecuteAsync(context);
    }
}
