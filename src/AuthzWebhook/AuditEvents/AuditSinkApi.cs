using AuthzWebhook.Hosting;
using AuthzWebhook.Observability;
using AuthzWebhook.Webhook;
using AuthzWebhook.Windows;
using Microsoft.Extensions.Options;

namespace AuthzWebhook.AuditEvents;

/// <summary>
/// <c>POST /audit</c> on the webhook listener (same mutual TLS as <c>/authorize</c>): the API server's audit webhook
/// backend posts EventLists here. Kept: events whose authorization reason names one of our decisions, and events of
/// users holding an active elevation (what they did, with which response code). Each event stands on its own: one that
/// cannot be used is skipped, counted and logged, and the batch is answered 200 all the same. Only a body that is not an
/// EventList, or is over the limits, gets a plain 400 (and nothing is stored).
/// </summary>
internal static class AuditSinkApi
{
    public static IEndpointRouteBuilder MapAuditSink(this IEndpointRouteBuilder app)
    {
        app.MapPost("/audit", ReceiveAsync)
            .WithMetadata(new ListenerMetadata(ListenerKind.Webhook))
            .ExcludeFromDescription();
        return app;
    }

    private static async Task ReceiveAsync(
        HttpContext context,
        IOptions<AuditEventOptions> options,
        ActiveWindowIndex windows,
        AuditEventStore store,
        AuthzMetrics metrics,
        ILoggerFactory loggers,
        TimeProvider timeProvider)
    {
        var max = options.Value.MaxBodyBytes;
        if (context.Request.ContentLength > max)
        {
            await WebhookApi.PlainAsync(context, StatusCodes.Status400BadRequest, $"request body is larger than {max} bytes; lower --audit-webhook-batch-max-size").ConfigureAwait(false);
            return;
        }

        using var body = new MemoryStream();
        var buffer = new byte[81920];
        int read;
        while ((read = await context.Request.Body.ReadAsync(buffer, context.RequestAborted).ConfigureAwait(false)) > 0)
        {
            if (body.Length + read > max)
            {
                await WebhookApi.PlainAsync(context, StatusCodes.Status400BadRequest, $"request body is larger than {max} bytes; lower --audit-webhook-batch-max-size").ConfigureAwait(false);
                return;
            }

            body.Write(buffer, 0, read);
        }

        if (!AuditEventListParser.TryParse(body.GetBuffer().AsMemory(0, (int)body.Length), options.Value, out var events, out var skipped, out var error))
        {
            await WebhookApi.PlainAsync(context, StatusCodes.Status400BadRequest, error).ConfigureAwait(false);
            return;
        }

        var now = timeProvider.GetUtcNow();
        var kept = new List<(AuditEvent, Guid?)>();
        foreach (var e in events)
        {
            var window = ActiveWindowOf(windows, e, now);
            if (e.DecisionId is not null || window is not null)
            {
                kept.Add((e, window));
            }
        }

        var (stored, refused) = await store.StoreAsync(kept, now, context.RequestAborted).ConfigureAwait(false);
        var answer = $"{events.Count + skipped.Count} events received, {kept.Count} concern elevations or decisions, {stored} newly stored";
        var logger = loggers.CreateLogger(typeof(AuditSinkApi));
        Report(logger, metrics, options.Value, events.Count + skipped.Count, skipped, kept);
        if (skipped.Count > 0)
        {
            answer += $"; {skipped.Count} skipped (items[{skipped[0].Index}]: {skipped[0].Reason})";
        }

        if (refused > 0)
        {
            // Sent again, they would be refused again: answering 200 keeps the API server from retrying the batch.
            metrics.RecordAuditEventsSkipped(refused);
            Log.EventsRefused(logger, refused, kept.Count);
            answer += $"; {refused} refused by the database";
        }

        await WebhookApi.PlainAsync(context, StatusCodes.Status200OK, answer).ConfigureAwait(false);
    }

    /// <summary>Counts and logs, once per batch, the events skipped and the kept ones stored altered.</summary>
    private static void Report(ILogger logger, AuthzMetrics metrics, AuditEventOptions options, int items, List<SkippedEvent> skipped, List<(AuditEvent Event, Guid?)> kept)
    {
        if (skipped.Count > 0)
        {
            metrics.RecordAuditEventsSkipped(skipped.Count);
            Log.EventsSkipped(logger, skipped.Count, items, skipped[0].Index, skipped[0].Reason);
        }

        var truncated = kept.Count(k => k.Event.Truncated);
        var replaced = kept.Count(k => k.Event.Replaced);
        if (truncated + replaced > 0)
        {
            metrics.RecordAuditEventsAltered(truncated, replaced);
            Log.EventsAltered(logger, truncated, options.MaxStringLength, replaced);
        }
    }

    /// <summary>
    /// An elevation the acting user held when the event happened (by user, then by group), if any: under impersonation
    /// the impersonated user's, never the impersonator's.
    /// </summary>
    private static Guid? ActiveWindowOf(ActiveWindowIndex windows, AuditEvent e, DateTimeOffset now)
    {
        var at = e.Time ?? now;
        foreach (var window in windows.ForUser(e.ActingUser))
        {
            if (window.IsActiveAt(at) || window.IsActiveAt(now))
            {
                return window.Id;
            }
        }

        foreach (var group in e.Groups)
        {
            foreach (var window in windows.ForGroup(group))
            {
                if (window.IsActiveAt(at) || window.IsActiveAt(now))
                {
                    return window.Id;
                }
            }
        }

        return null;
    }
}
