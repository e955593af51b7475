using System.IO.Pipelines;
using AuthzWebhook.Hosting;
using Microsoft.Extensions.Options;

namespace AuthzWebhook.Webhook;

/// <summary><c>POST /authorize</c>: the SubjectAccessReview webhook, reachable only through the mutual-TLS listener.</summary>
internal static class WebhookApi
{
    public static IEndpointRouteBuilder MapWebhook(this IEndpointRouteBuilder app)
    {
        // Resolved once, on the first review (not at mapping, so `migrate` needs no webhook settings), then reused:
        // the hot path does no service lookups.
        var services = app.ServiceProvider;
        var handler = new Lazy<ReviewHandler>(services.GetRequiredService<ReviewHandler>);
        var timeProvider = new Lazy<TimeProvider>(services.GetRequiredService<TimeProvider>);
        var limits = new Lazy<ReviewLimits>(() => new ReviewLimits(services.GetRequiredService<IOptions<WebhookOptions>>().Value));
        app.MapPost("/authorize", context => AuthorizeAsync(context, handler.Value, timeProvider.Value, limits.Value))
            .WithMetadata(new ListenerMetadata(ListenerKind.Webhook))
            .WithName("Authorize")
            .ExcludeFromDescription();
        return app;
    }

    private static async Task AuthorizeAsync(HttpContext context, ReviewHandler handler, TimeProvider timeProvider, ReviewLimits limits)
    {
        var startedAt = timeProvider.GetTimestamp();
        var maxBytes = limits.MaxBodyBytes;

        if (context.Request.ContentLength > maxBytes)
        {
            await PlainAsync(context, StatusCodes.Status400BadRequest, $"request body is larger than {maxBytes} bytes").ConfigureAwait(false);
            return;
        }

        var reader = context.Request.BodyReader;
        ReadResult read;
        while (true)
        {
            read = await reader.ReadAsync(context.RequestAborted).ConfigureAwait(false);
            if (read.Buffer.Length > maxBytes)
            {
                reader.AdvanceTo(read.Buffer.Start, read.Buffer.End);
                await PlainAsync(context, StatusCodes.Status400BadRequest, $"request body is larger than {maxBytes} bytes").ConfigureAwait(false);
                return;
            }

            if (read.IsCompleted)
            {
                break;
            }

            // Nothing consumed, everything examined: wait for the rest of the body.
            reader.AdvanceTo(read.Buffer.Start, read.Buffer.End);
        }

        var parsed = ReviewParser.TryParse(read.Buffer, limits, out var apiVersion, out var request, out var error);
        reader.AdvanceTo(read.Buffer.End);
        if (!parsed)
        {
            await PlainAsync(context, StatusCodes.Status400BadRequest, error).ConfigureAwait(false);
            return;
        }

        var outcome = await handler.AnswerAsync(request!, startedAt).ConfigureAwait(false);
        if (outcome.Answer is not { } answer)
        {
            await PlainAsync(context, StatusCodes.Status503ServiceUnavailable, $"decision {outcome.DecisionId}: its record could not be written in time; no answer given").ConfigureAwait(false);
            return;
        }

        context.Response.StatusCode = StatusCodes.Status200OK;
        context.Response.ContentType = "application/json";
        ReviewResponseWriter.Write(context.Response.BodyWriter, apiVersion, answer);
        await context.Response.BodyWriter.FlushAsync(context.RequestAborted).ConfigureAwait(false);
    }

    /// <summary>The webhook listener's plain-text answers (the API server logs them as they are).</summary>
    internal static Task PlainAsync(HttpContext context, int status, string message)
    {
        context.Response.StatusCode = status;
        context.Response.ContentType = "text/plain; charset=utf-8";
        return context.Response.WriteAsync(message + "\n", context.RequestAborted);
    }
}
