using System.Diagnostics;
using System.Threading.Channels;
using AuthzWebhook.Observability;
using Microsoft.Extensions.Options;

namespace AuthzWebhook.Decisions;

/// <summary>
/// The bounded hand-off of decision records from the request path to the record writer, with the reviews waiting for
/// their record to be written. Queuing never waits: when the buffer is full a record
/// is refused, counted as dropped (and the metric shows it), and the caller decides what an unrecorded answer may be.
/// Each queued record gets a ticket, in queue order, and <see cref="WhenWrittenAsync"/> completes once the writer has
/// put it out (stdout flushed, spool appended): the review's answer waits for that, so an answer the API server
/// received always has its record, even if the process is killed the next instant. The writer signals once per
/// batch, so waiting costs one hand-off, not one write per review; waiters are kept ordered by ticket, so a batch
/// wakes only the reviews whose records it holds.
/// </summary>
internal sealed class DecisionRecordBuffer : IDisposable
{
    private static readonly Task<bool> Written = Task.FromResult(true);
    private static readonly Task<bool> NotWritten = Task.FromResult(false);

    private readonly Channel<DecisionRecord> _channel;
    private readonly AuthzMetrics _metrics;
    private readonly Lock _queueLock = new();

    // Reviews waiting for their record, lowest ticket first; guarded by _waitLock, as is every change of _written and
    // _failed, so that a waiter is either registered before the writer's report (and released by it) or sees it.
    private readonly Lock _waitLock = new();
    private readonly PriorityQueue<Waiter, long> _waiters = new();

    // Tickets the writer handled without keeping their records (the spool refused a batch), oldest first, adjacent
    // ranges merged; a review asks right after taking its ticket, so only the latest few can still matter.
    private const int NotWrittenRangesKept = 64;
    private readonly List<(long From, long To)> _notWritten = [];
    private volatile int _notWrittenRanges;

    // The last ticket of the newest range dropped from _notWritten: a review asking about a ticket up to it can no longer
    // be told apart, and is told "not written" (a 503), never "written" for a record that may not be.
    private long _forgotten;
    private long _dropped;
    private long _queued;
    private long _written;
    private volatile bool _failed;
    private readonly long _timeoutTicks;
    private readonly ITimer _tick;

    public DecisionRecordBuffer(IOptions<DecisionLogOptions> options, AuthzMetrics metrics)
        : this(options, metrics, TimeProvider.System)
    {
    }

    public DecisionRecordBuffer(IOptions<DecisionLogOptions> options, AuthzMetrics metrics, TimeProvider timeProvider)
    {
        _metrics = metrics;
        _timeoutTicks = (long)(options.Value.WriteTimeout.TotalSeconds * Stopwatch.Frequency);

        // One shared tick checks the waiters' deadlines a few times a second: a timer per review would cost an
        // allocation on every answer, and a healthy writer releases them long before the tick anyway.
        _tick = timeProvider.CreateTimer(_ => ExpireOverdue(), null, TimeSpan.FromMilliseconds(100), TimeSpan.FromMilliseconds(100));
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

    /// <summary>Queues the record; false (and counted as dropped) when the buffer is full or closed.</summary>
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
        // The ranges are recorded before _written moves past them, so a ticket seen as handled with no ranges is written.
        if (Interlocked.Read(ref _written) >= ticket && _notWrittenRanges == 0)
        {
            return Written;
        }

        lock (_waitLock)
        {
            if (_written >= ticket)
            {
                return (ticket != 0 && ticket <= _forgotten) || IsNotWritten(ticket) ? NotWritten : Written;
            }

            if (_failed)
            {
                return NotWritten;
            }

            // Continuations run on the thread pool, never inline under the lock or on the writer's thread.
            var signal = new TaskCompletionSource<bool>(TaskCreationOptions.RunContinuationsAsynchronously);
            _waiters.Enqueue(new Waiter(signal, Stopwatch.GetTimestamp() + _timeoutTicks), ticket);
            return signal.Task;
        }
    }

    /// <summary>The writer has put out <paramref name="count"/> more records, in queue order: their waiters, and only theirs, are released.</summary>
    public void MarkWritten(int count) => Handled(count, written: true);

    /// <summary>
    /// The writer has handled <paramref name="count"/> more records, in queue order, but could not keep them (the spool
    /// refused the batch): their reviews learn that their records are not written, and the writer goes on.
    /// </summary>
    public void MarkNotWritten(int count) => Handled(count, written: false);

    /// <summary>The writer has stopped for good (its output failed): nobody waits on it any longer.</summary>
    public void MarkFailed()
    {
        lock (_waitLock)
        {
            _failed = true;
            while (_waiters.TryDequeue(out var waiter, out _))
            {
                waiter.Signal.TrySetResult(false);
            }
        }
    }

    /// <summary>No more records will come (shutdown); the writer drains what is buffered.</summary>
    public void Complete() => _channel.Writer.TryComplete();

    public void Dispose() => _tick.Dispose();

    private void Handled(int count, bool written)
    {
        lock (_waitLock)
        {
            var from = _written + 1;
            var to = _written + count;
            if (!written && count > 0)
            {
                if (_notWritten.Count > 0 && _notWritten[^1].To == from - 1)
                {
                    _notWritten[^1] = (_notWritten[^1].From, to);
                }
                else
                {
                    if (_notWritten.Count == NotWrittenRangesKept)
                    {
                        _forgotten = _notWritten[0].To;
                        _notWritten.RemoveAt(0);
                    }

                    _notWritten.Add((from, to));
                }

                _notWrittenRanges = _notWritten.Count;
            }

            // Moved under the lock, read without it on the fast path: a waiter registers either before this (and is
            // released below) or after (and sees the new count).
            Interlocked.Exchange(ref _written, to);
            while (_waiters.TryPeek(out var waiter, out var ticket) && ticket <= to)
            {
                _waiters.Dequeue();
                waiter.Signal.TrySetResult(written);
            }
        }
    }

    private bool IsNotWritten(long ticket)
    {
        foreach (var (from, to) in _notWritten)
        {
            if (ticket >= from && ticket <= to)
            {
                return true;
            }
        }

        return false;
    }

    /// <summary>
    /// Tells the waiters whose deadline has passed that their record is not written. They stay in the queue until the
    /// writer reaches their ticket (completing them again does nothing): tickets are only given to records the buffer
    /// took, so there are never more of them than the buffer holds plus a batch.
    /// </summary>
    private void ExpireOverdue()
    {
        lock (_waitLock)
        {
            if (_waiters.Count == 0)
            {
                return;
            }

            var now = Stopwatch.GetTimestamp();
            foreach (var (waiter, _) in _waiters.UnorderedItems)
            {
                if (now > waiter.Deadline)
                {
                    waiter.Signal.TrySetResult(false);
                }
            }
        }
    }

    private readonly record struct Waiter(TaskCompletionSource<bool> Signal, long Deadline);
}
