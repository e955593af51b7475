using Microsoft.Extensions.Primitives;

namespace AuthzWebhook.Elevations;

/// <summary>
/// Response headers that keep a browser from caching, framing, sniffing or leaking API answers, and from ever talking
/// to the API host over plain HTTP. Only the API listener sends them: the webhook's one caller is the API server, not a
/// browser, and its hot path is left as it was.
/// </summary>
internal static class ApiSecurityHeaders
{
    // One year: what HSTS preload lists ask for. No includeSubDomains: the API's host name may share a parent domain
    // with sites this service knows nothing about.
    private static readonly StringValues StrictTransportSecurity = "max-age=31536000";
    private static readonly StringValues NoSniff = "nosniff";
    private static readonly StringValues NoStore = "no-store";
    private static readonly StringValues ContentSecurityPolicy = "default-src 'none'; frame-ancestors 'none'";
    private static readonly StringValues NoReferrer = "no-referrer";
    private static readonly StringValues Deny = "DENY";

    /// <summary>
    /// Sets the headers as the response starts rather than now, so that responses whose headers are cleared and rewritten
    /// later (the exception handler's, the rate limiter's) carry them too.
    /// </summary>
    public static IApplicationBuilder UseApiSecurityHeaders(this IApplicationBuilder app) =>
        app.Use(static (context, next) =>
        {
            context.Response.OnStarting(Apply, context.Response);
            return next(context);
        });

    private static Task Apply(object state)
    {
        var headers = ((HttpResponse)state).Headers;
        headers.StrictTransportSecurity = StrictTransportSecurity;
        headers.XContentTypeOptions = NoSniff;
        headers.CacheControl = NoStore;
        headers.ContentSecurityPolicy = ContentSecurityPolicy;
        headers["Referrer-Policy"] = NoReferrer;
        headers.XFrameOptions = Deny;
        return Task.CompletedTask;
    }
}
