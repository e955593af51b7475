using Microsoft.AspNetCore.Diagnostics;
using Npgsql;

namespace AuthzWebhook.Elevations;

/// <summary>
/// Turns a Postgres outage during an API call into 503 problem details with Retry-After. The transaction rolled back,
/// so nothing changed and the same call can simply be sent again (with its Idempotency-Key for creates).
/// </summary>
internal sealed class StoreUnavailableHandler(ILogger<StoreUnavailableHandler> logger) : IExceptionHandler
{
    public async ValueTask<bool> TryHandleAsync(HttpContext httpContext, Exception exception, CancellationToken cancellationToken)
    {
        // Transient only (connection lost, timeout, failover): a constraint violation is a fault, not an outage.
        if (exception is not (NpgsqlException { IsTransient: true } or TimeoutException) || httpContext.Response.HasStarted)
        {
            return false;
        }

        Log.StoreUnavailable(logger, httpContext.Request.Path, exception);
        httpContext.Response.Headers.RetryAfter = "5";
        await ApiResults.Problem(new ApiError(
            StatusCodes.Status503ServiceUnavailable,
            "store-unavailable",
            "Elevation store unavailable",
            "The database that holds elevations cannot be reached right now; nothing was changed. Retry in a few seconds.")).ExecuteAsync(httpContext).ConfigureAwait(false);
        return true;
    }
}
