using System.Diagnostics;
using System.Threading.Channels;
using AuthzWebhook.Observability;
using Microsoft.Extensions.Options;

namespace AuthzWebhook.Decisions;

/// <summary>
/// The hand-off from the request path to the record writer. Queuing never waits: when the buffer is full a record
/// is refused, counted as dropped (and the metric shows it), and the caller decides what an unrecorded answer may be.
/// Each queued record gets a ticket, in queue order, and <see cref="WhenWrittenAsync"/> completes once the writer has
/// put it out (stdout flushed, spool appended): the review's answer waits for that, so an answer the API server
/// received always has its record, even if the process is killed the next instant. The writer signals once per
/// batch, so waiting costs one hand-off, not one write per review.
/// </summary>
internal sealed class DecisionLog : IDisposable
{
    private static readonly Task<bool> Written = Task.FromResult(true);
    private static readonly Task<bool> NotWritten = Task.FromResult(false);

    private readonly Channel<DecisionRecord> _channel;
    private readonly AuthzMetrics _metrics;
    private readonly Lock _queueLock = new();
    private long _dropped;
    private long _queued;
    private long _written;
    private volatile bool _failed;
    private readonly long _timeoutTicks;
    private readonly ITimer _tick;
    private TaskCompletionSource _batchWritten = NewSignal();

    public DecisionLog(IOptions<DecisionLogOptions> options, AuthzMetrics metrics)
        : this(options, metrics, TimeProvider.System)
    {
    }

    public DecisionLog(IOptions<DecisionLogOptions> options, AuthzMetrics metrics, TimeProvider timeProvider)
    {
        _metrics = metrics;
        _timeoutTicks = (long)(options.Value.WriteTimeout.TotalSeconds * Stopwatch.Frequency);

        // One shared tick wakes every waiter a few times a second to check its own deadline: a timer per review would
        // cost an allocation on every answer, and a healthy writer releases them long before the tick anyway.
        _tick = timeProvider.CreateTimer(_ => Release(), null, TimeSpan.FromMilliseconds(100), TimeSpan.FromMilliseconds(100));
        _channel = Channel.CreateBounded<DecisionRecord>(
            new BoundedChannelOptions(options.Value.Capacity)
            {
                // With Wait, TryWrite refuses (returns false) instead of silently dropping, so the caller knows.
                FullMode = BoundedChannelFullMode.Wait,
                SingleReader = true,
                SingleWriter = false,
            });
    }

    public ChannelReader<DecisionRecord> Reader => _channel.Reader;

    public long Dropped => Interlocked.Read(ref _dropped);

    public int Backlog => _channel.Reader.Count;

    /// <summary>Queues the record; false (and counted as dropped) when the buffer is full or the log is closed.</summary>
    public bool Write(DecisionRecord record) => Write(record, out _);

    /// <summary>Queues the record and returns its ticket for <see cref="WhenWrittenAsync"/>; 0 when it was refused.</summary>
    public bool Write(DecisionRecord record, out long ticket)
    {
        // Tickets must follow queue order, since the writer acknowledges by count: both happen under one short lock.
        lock (_queueLock)
        {
            if (_channel.Writer.TryWrite(record))
            {
                ticket = ++_queued;
                return true;
            }
        }

        ticket = 0;
        Interlocked.Increment(ref _dropped);
        _metrics.RecordDropped();
        return false;
    }

    /// <summary>
    /// True once the record with <paramref name="ticket"/> is written (at once for ticket 0, a record never queued);
    /// false if the writer has failed or has not written it within <see cref="DecisionLogOptions.WriteTimeout"/>.
    /// </summary>
    public Task<bool> WhenWrittenAsync(long ticket)
    {
        if (Interlocked.Read(ref _written) >= ticket)
        {
            return Written;
        }

        return _failed ? NotWritten : WaitAsync(ticket, Stopwatch.GetTimestamp() + _timeoutTicks);
    }

    /// <summary>The writer has put out <paramref name="count"/> more records, in queue order.</summary>
    public void MarkWritten(int count)
    {
        // The count moves before the signal is swapped, so a waiter that takes the new signal sees the new count.
        Interlocked.Add(ref _written, count);
        Release();
    }

    /// <summary>The writer has stopped for good (its output failed): nobody waits on it any longer.</summary>
    public void MarkFailed()
    {
        _failed = true;
        Release();
    }

    /// <summary>No more records will come (shutdown); the writer drains what is buffered.</summary>
    public void Complete() => _channel.Writer.TryComplete();

    public void Dispose() => _tick.Dispose();

    private async Task<bool> WaitAsync(long ticket, long deadline)
    {
        while (true)
        {
            var signal = Volatile.Read(ref _batchWritten);
            if (Interlocked.Read(ref _written) >= ticket)
            {
                return true;
            }

            if (_failed || Stopwatch.GetTimestamp() > deadline)
            {
                return false;
            }

            await signal.Task.ConfigureAwait(false);
        }
    }

    /// <summary>Wakes every waiter to look again; those whose record is written, or whose deadline passed, return.</summary>
    private void Release() => Interlocked.Exchange(ref _batchWritten, NewSignal()).TrySetResult();

    private static TaskCompletionSource NewSignal() => new(TaskCreationOptions.RunContinuationsAsynchronously);
}
