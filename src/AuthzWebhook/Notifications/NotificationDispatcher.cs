using System.Collections.Concurrent;
using System.Net.Http.Headers;
using System.Text.Json;
using AuthzWebhook.Hosting;
using AuthzWebhook.Observability;
using Dapper;
using Microsoft.Extensions.Options;
using Npgsql;

namespace AuthzWebhook.Notifications;

/// <summary>
/// Delivers the outbox, at least once. Replicas claim due rows with a lease (<c>FOR UPDATE SKIP LOCKED</c>), so each
/// attempt is made by one replica; a replica that dies mid-delivery leaves its rows to others once the lease lapses.
/// Each receiver gets one message at a time, oldest first, so a slow receiver holds up only itself and messages arrive
/// in order while deliveries succeed.
/// <para>
/// Every failure is retried, 4xx included: a 401 or 404 from a chat webhook means it was revoked or misconfigured,
/// and once the configuration is fixed what is queued should still arrive. After <see cref="NotificationOptions.MaxAttempts"/>
/// the row is marked failed; clearing <c>failed_at</c> and <c>attempts</c> queues it again.
/// </para>
/// </summary>
internal sealed class NotificationDispatcher(
    NpgsqlDataSource dataSource,
    NotificationSignal signal,
    IHttpClientFactory httpClientFactory,
    AuthzMetrics metrics,
    TimeProvider timeProvider,
    IOptions<NotificationOptions> options,
    ILogger<NotificationDispatcher> logger) : BackgroundService
{
    public const string HttpClientName = "AuthzWebhook.Notifications";

    /// <summary>Receivers this replica delivers to at once, one message each.</summary>
    internal const int MaxInFlight = 16;

    /// <summary>
    /// How long rows for a receiver this replica does not know wait before it fails them: during a rolling update,
    /// replicas with the previous configuration must not fail rows queued for a receiver just added.
    /// </summary>
    internal static readonly TimeSpan UnknownReceiverGrace = TimeSpan.FromMinutes(15);

    internal const string ReceiverGoneError = "receiver is not configured under AuthzWebhook:Notifications:Receivers";

    private readonly NotificationOptions _options = options.Value;
    private readonly Dictionary<string, NotificationReceiver> _receivers = options.Value.Receivers.ToDictionary(r => r.Name, StringComparer.Ordinal);
    private readonly ConcurrentDictionary<string, Task> _inFlight = new(StringComparer.Ordinal);

    // Long enough to send and record the outcome; short enough that rows of a replica that died move on soon.
    private TimeSpan Lease => _options.Timeout + TimeSpan.FromMinutes(1);

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        var known = _receivers.Keys.ToArray();
        try
        {
            while (!stoppingToken.IsCancellationRequested)
            {
                await DispatchDueAsync(known, stoppingToken).ConfigureAwait(false);
                await signal.WaitAsync(_options.PollInterval, timeProvider, stoppingToken).ConfigureAwait(false);
            }
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
        }
        finally
        {
            // Deliveries stopped mid-way release their claims; waiting for them lets another replica take over at once.
            await Task.WhenAll(_inFlight.Values).ConfigureAwait(false);
        }
    }

    private async Task DispatchDueAsync(string[] known, CancellationToken stoppingToken)
    {
        try
        {
            var now = timeProvider.GetUtcNow();
            await FailUnknownReceiversAsync(known, now, stoppingToken).ConfigureAwait(false);
            var free = MaxInFlight - _inFlight.Count;
            if (known.Length == 0 || free <= 0)
            {
                return;
            }

            foreach (var row in await ClaimAsync(known, free, now, stoppingToken).ConfigureAwait(false))
            {
                Start(row, _receivers[row.Receiver], stoppingToken);
            }
        }
        catch (Exception ex) when (ex is not OperationCanceledException || !stoppingToken.IsCancellationRequested)
        {
            // Postgres down or failing over: nothing is lost, the rows wait in the outbox for the next tick.
            Log.OutboxUnavailable(logger, _options.PollInterval, ex);
        }
    }

    private async Task<IEnumerable<OutboxRow>> ClaimAsync(string[] known, int limit, DateTimeOffset now, CancellationToken cancellationToken)
    {
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken).ConfigureAwait(false);
        return await connection.QueryAsync<OutboxRow>(new CommandDefinition(
            """
            UPDATE notification_outbox
               SET locked_until = @leaseUntil
             WHERE id IN (
                   SELECT id FROM notification_outbox
                    WHERE id IN (
                          -- Each receiver's oldest due row, none for a receiver with a delivery in flight on any replica.
                          SELECT DISTINCT ON (receiver) id
                            FROM notification_outbox due
                           WHERE delivered_at IS NULL AND failed_at IS NULL AND next_attempt_at <= @now
                             AND (locked_until IS NULL OR locked_until < @now)
                             AND receiver = ANY(@known) AND receiver <> ALL(@busy)
                             AND NOT EXISTS (
                                 SELECT 1 FROM notification_outbox held
                                  WHERE held.receiver = due.receiver AND held.delivered_at IS NULL AND held.failed_at IS NULL
                                    AND held.locked_until >= @now)
                           ORDER BY receiver, id)
                      -- Checked again once locked: another replica may have claimed the row in the meantime.
                      AND delivered_at IS NULL AND failed_at IS NULL AND next_attempt_at <= @now
                      AND (locked_until IS NULL OR locked_until < @now)
                    ORDER BY id
                    LIMIT @limit
                      FOR UPDATE SKIP LOCKED)
            RETURNING id, receiver, event, payload::text AS payload, attempts, locked_until AS lockeduntil
            """,
            new
            {
                now = now.UtcDateTime,
                leaseUntil = (now + Lease).UtcDateTime,
                known,
                busy = _inFlight.Keys.ToArray(),
                limit,
            },
            cancellationToken: cancellationToken)).ConfigureAwait(false);
    }

    private async Task FailUnknownReceiversAsync(string[] known, DateTimeOffset now, CancellationToken cancellationToken)
    {
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken).ConfigureAwait(false);
        var gone = await connection.QueryAsync<OutboxRow>(new CommandDefinition(
            """
            UPDATE notification_outbox
               SET failed_at = @now, locked_until = NULL, last_error = @error
             WHERE delivered_at IS NULL AND failed_at IS NULL AND receiver <> ALL(@known)
               AND next_attempt_at <= @cutoff AND (locked_until IS NULL OR locked_until < @now)
            RETURNING id, receiver, event
            """,
            new { now = now.UtcDateTime, cutoff = (now - UnknownReceiverGrace).UtcDateTime, known, error = ReceiverGoneError },
            cancellationToken: cancellationToken)).ConfigureAwait(false);
        foreach (var row in gone)
        {
            Log.ReceiverGone(logger, row.Id, row.Event, row.Receiver);
            metrics.RecordNotificationFailed(row.Receiver, row.Event);
        }
    }

    private void Start(OutboxRow row, NotificationReceiver receiver, CancellationToken stoppingToken)
    {
        // Registered before the delivery runs, so its removal can never come first and leave the receiver marked busy.
        var done = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        _inFlight[row.Receiver] = done.Task;
        _ = RunAsync();

        async Task RunAsync()
        {
            try
            {
                await DeliverAsync(row, receiver, stoppingToken).ConfigureAwait(false);
            }
            catch (Exception ex)
            {
                // Nothing may escape a delivery; the row is retried once its claim lapses.
                Log.OutcomeNotRecorded(logger, row.Id, row.Receiver, ex);
            }
            finally
            {
                _inFlight.TryRemove(row.Receiver, out _);
                done.SetResult();
                signal.Set();
            }
        }
    }

    private async Task DeliverAsync(OutboxRow row, NotificationReceiver receiver, CancellationToken stoppingToken)
    {
        var attempt = row.Attempts + 1;
        byte[] body;
        try
        {
            var notification = JsonSerializer.Deserialize(row.Payload, AuthzJsonContext.Default.NotificationEvent)
                ?? throw new JsonException("The payload is JSON null.");
            body = NotificationFormats.Render(receiver.Format, notification, _options.LinkFor(notification.Elevation.Id));
        }
        catch (JsonException ex)
        {
            // Retrying cannot fix a payload; it was written by a version of this service that no longer reads it.
            Log.Unrenderable(logger, row.Id, row.Receiver, ex);
            var at = timeProvider.GetUtcNow();
            await RecordFailureAsync(row, attempt, "payload is not a notification event this version can read", at, at, final: true).ConfigureAwait(false);
            return;
        }

        (string? Problem, TimeSpan? RetryAfter) result;
        try
        {
            result = await SendAsync(receiver, body, stoppingToken).ConfigureAwait(false);
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
            await RecordAsync(row, "UPDATE notification_outbox SET locked_until = NULL WHERE id = @Id AND locked_until = @LockedUntil", new { row.Id, row.LockedUntil }).ConfigureAwait(false);
            return;
        }

        var now = timeProvider.GetUtcNow();
        if (result.Problem is null)
        {
            // Recorded whether or not the claim lapsed meanwhile: the receiver has it, nobody should send it again.
            await RecordAsync(
                row,
                "UPDATE notification_outbox SET delivered_at = @now, attempts = attempts + 1, locked_until = NULL WHERE id = @Id AND delivered_at IS NULL",
                new { row.Id, now = now.UtcDateTime }).ConfigureAwait(false);
            metrics.RecordNotificationDelivered(row.Receiver, row.Event);
            Log.Delivered(logger, row.Id, row.Event, row.Receiver, attempt);
            return;
        }

        var final = attempt >= _options.MaxAttempts;
        var delay = RetrySchedule.Delay(attempt, _options.InitialBackoff, _options.MaxBackoff, Random.Shared.NextDouble(), result.RetryAfter);
        await RecordFailureAsync(row, attempt, result.Problem, now, now + delay, final).ConfigureAwait(false);
        if (!final)
        {
            Log.AttemptFailed(logger, row.Id, row.Event, row.Receiver, attempt, _options.MaxAttempts, result.Problem, now + delay);
        }
    }

    private async Task RecordFailureAsync(OutboxRow row, int attempt, string problem, DateTimeOffset now, DateTimeOffset nextAttemptAt, bool final)
    {
        await RecordAsync(
            row,
            """
            UPDATE notification_outbox
               SET attempts = attempts + 1, last_error = @problem, next_attempt_at = @next, failed_at = @failedAt, locked_until = NULL
             WHERE id = @Id AND locked_until = @LockedUntil AND delivered_at IS NULL AND failed_at IS NULL
            """,
            new { row.Id, row.LockedUntil, problem, next = nextAttemptAt.UtcDateTime, failedAt = final ? now.UtcDateTime : (DateTime?)null }).ConfigureAwait(false);
        if (final)
        {
            Log.GaveUp(logger, row.Id, row.Event, row.Receiver, attempt, problem);
            metrics.RecordNotificationFailed(row.Receiver, row.Event);
        }
    }

    /// <summary>Sends one attempt; returns the problem (status or exception type, never a body or header) or null when delivered.</summary>
    private async Task<(string? Problem, TimeSpan? RetryAfter)> SendAsync(NotificationReceiver receiver, byte[] body, CancellationToken stoppingToken)
    {
        using var timeout = new CancellationTokenSource(_options.Timeout, timeProvider);
        using var linked = CancellationTokenSource.CreateLinkedTokenSource(timeout.Token, stoppingToken);
        using var request = new HttpRequestMessage(HttpMethod.Post, receiver.Url) { Content = new ByteArrayContent(body) };
        request.Content.Headers.ContentType = new MediaTypeHeaderValue("application/json") { CharSet = "utf-8" };
        foreach (var (name, value) in receiver.Headers)
        {
            request.Headers.TryAddWithoutValidation(name, value);
        }

        try
        {
            using var client = httpClientFactory.CreateClient(HttpClientName);
            using var response = await client.SendAsync(request, HttpCompletionOption.ResponseHeadersRead, linked.Token).ConfigureAwait(false);
            if (response.IsSuccessStatusCode)
            {
                return (null, null);
            }

            var status = $"HTTP {(int)response.StatusCode} ({response.StatusCode})";
            return (int)response.StatusCode is >= 300 and < 400
                ? ($"{status}: redirects are not followed, configure the final URL", null)
                : (status, RetryAfter(response.Headers.RetryAfter));
        }
        catch (OperationCanceledException) when (timeout.IsCancellationRequested && !stoppingToken.IsCancellationRequested)
        {
            return ($"no response within {_options.Timeout}", null);
        }
        catch (HttpRequestException ex)
        {
            // The category only: the message can name the host, and the URL may carry a secret.
            return ($"{nameof(HttpRequestException)} ({ex.HttpRequestError})", null);
        }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            // Anything else still counts as an attempt, so a fault that repeats ends in failed_at rather than a loop.
            return (ex.GetType().Name, null);
        }
    }

    private TimeSpan? RetryAfter(RetryConditionHeaderValue? retryAfter) => retryAfter switch
    {
        { Delta: { } delta } => delta,
        { Date: { } date } => date - timeProvider.GetUtcNow(),
        _ => null,
    };

    /// <summary>
    /// Records an outcome. Not cancelled by shutdown: a request already sent must be recorded or it is sent again;
    /// Npgsql's command timeout bounds the wait.
    /// </summary>
    private async Task RecordAsync(OutboxRow row, string sql, object parameters)
    {
        try
        {
            await using var connection = await dataSource.OpenConnectionAsync(CancellationToken.None).ConfigureAwait(false);
            await connection.ExecuteAsync(new CommandDefinition(sql, parameters, cancellationToken: CancellationToken.None)).ConfigureAwait(false);
        }
        catch (Exception ex) when (ex is NpgsqlException or TimeoutException)
        {
            Log.OutcomeNotRecorded(logger, row.Id, row.Receiver, ex);
        }
    }
}
