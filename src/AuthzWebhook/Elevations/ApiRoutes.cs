using AuthzWebhook.Hosting;
using AuthzWebhook.Identity;
using Microsoft.Extensions.Options;

namespace AuthzWebhook.Elevations;

/// <summary>What every <c>/api/v1</c> endpoint shares: the API listener only, a bearer token, the per-user rate limit, a body cap.</summary>
internal static class ApiRoutes
{
    public static RouteGroupBuilder Group(IEndpointRouteBuilder app, string tag) =>
        app.MapGroup("/api/v1")
            .WithMetadata(new ListenerMetadata(ListenerKind.Api))
            .RequireAuthorization(IdentityExtensions.ApiPolicy)
            .RequireRateLimiting(ApiRateLimits.Policy)
            .AddEndpointFilter(LimitBodySize)
            .ProducesProblem(StatusCodes.Status400BadRequest)
            .ProducesProblem(StatusCodes.Status401Unauthorized)
            .ProducesProblem(StatusCodes.Status429TooManyRequests)
            .ProducesProblem(StatusCodes.Status503ServiceUnavailable)
            .WithTags(tag);

    /// <summary>Caps request bodies at <see cref="ApiOptions.MaxBodyBytes"/> before a handler reads one (Kestrel's default is 30 MB).</summary>
    private static ValueTask<object?> LimitBodySize(EndpointFilterInvocationContext context, EndpointFilterDelegate next)
    {
        var http = context.HttpContext;
        var max = http.RequestServices.GetRequiredService<IOptions<ApiOptions>>().Value.MaxBodyBytes;
        if (http.Request.ContentLength > max)
        {
            return ValueTask.FromResult<object?>(ApiResults.Problem(ApiJson.TooLarge));
        }

        if (http.Features.Get<Microsoft.AspNetCore.Http.Features.IHttpMaxRequestBodySizeFeature>() is { IsReadOnly: false } limit)
        {
            limit.MaxRequestBodySize = max;
        }

        return next(context);
    }
}
