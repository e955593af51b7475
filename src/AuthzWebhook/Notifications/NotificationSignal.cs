using System.Threading.Channels;

namespace AuthzWebhook.Notifications;

/// <summary>
/// Wakes the dispatcher before its next poll: after a commit that queued notifications, and when a delivery ends and a
/// receiver is free for its next one. Signals coalesce; one pending signal is as good as many.
/// </summary>
internal sealed class NotificationSignal
{
    private readonly Channel<bool> _pending = Channel.CreateBounded<bool>(new BoundedChannelOptions(1) { FullMode = BoundedChannelFullMode.DropWrite });

    public void Set() => _pending.Writer.TryWrite(true);

    /// <summary>Returns when the signal is set (consuming it) or <paramref name="timeout"/> has passed.</summary>
    public async Task WaitAsync(TimeSpan timeout, TimeProvider timeProvider, CancellationToken cancellationToken)
    {
        using var tick = new CancellationTokenSource(timeout, timeProvider);
        using var wait = CancellationTokenSource.CreateLinkedTokenSource(tick.Token, cancellationToken);
        try
        {
            await _pending.Reader.ReadAsync(wait.Token).ConfigureAwait(false);
        }
        catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
        }
    }
}
