using AuthzWebhook.Elevations;
using AuthzWebhook.Webhook;
using Microsoft.Extensions.Options;

namespace AuthzWebhook.Hosting;

/// <summary>
/// Keeps each endpoint on its own listener, judged by the port the connection arrived on (never by the Host header,
/// which the caller controls): <c>/authorize</c> is unreachable except through the mutual-TLS port, and the REST API
/// only through the API port.
/// </summary>
internal sealed class ListenerIsolationMiddleware(RequestDelegate next, IOptions<WebhookOptions> webhook, IOptions<ApiOptions> api, IOptions<ManagementOptions> management)
{
    public Task InvokeAsync(HttpContext context)
    {
        var required = context.GetEndpoint()?.Metadata.GetMetadata<ListenerMetadata>();
        if (required is null || ListenerOf(context.Connection.LocalPort) == required.Kind)
        {
            return next(context);
        }

        context.Response.StatusCode = StatusCodes.Status404NotFound;
        return Task.CompletedTask;
    }

    private ListenerKind? ListenerOf(int port) =>
        port == webhook.Value.Port ? ListenerKind.Webhook
        : port == api.Value.Port ? ListenerKind.Api
        : port == management.Value.Port ? ListenerKind.Management
        : null;
}
