using Microsoft.Extensions.Options;

namespace AuthzWebhook.DecisionStore;

/// <summary>
/// Records on their way to Postgres, in write order. Every record is appended to the spool file as it is written
/// (write-ahead: a killed process loses none of them), and the newest are also kept in memory so that the usual
/// batch goes to Postgres without reading the file back. The memory copy is used only while it holds exactly the
/// records not yet stored; once it overflows (a long outage) or after a restart with a spool left over, batches
/// are read from the file until it is drained, and memory takes over again. The record writer's appends never wait
/// on the file work of delivery: the spool is read back, and compacted, outside the lock (docs/decision-log.md says how the two threads share the spool).
/// </summary>
internal sealed class DecisionStoreQueue : IDisposable
{
    // The spool's gate: memory and the spool's bookkeeping change together.
    private readonly Lock _lock;
    private readonly Queue<PendingDecision> _memory = new();

    // Records of the writer's current batch, not yet in the spool: by the writer thread only, until Flush.
    private readonly List<PendingDecision> _staged = [];
    private readonly DecisionSpool _spool;
    private readonly int _capacity;
    private readonly SemaphoreSlim _signal = new(0);
    private bool _memoryComplete;

    public DecisionStoreQueue(IOptions<DecisionStoreOptions> options)
        : this(options, DecisionSpool.CompactAfter)
    {
    }

    /// <summary>With the spool compacted after <paramref name="compactAfter"/> stored bytes (tests use a small figure).</summary>
    internal DecisionStoreQueue(IOptions<DecisionStoreOptions> options, long compactAfter)
        : this(options, new DecisionSpool(options.Value.SpoolPath, compactAfter))
    {
    }

    /// <summary>On a spool made by the caller (tests use one whose writes fail).</summary>
    internal DecisionStoreQueue(IOptions<DecisionStoreOptions> options, DecisionSpool spool)
    {
        _capacity = options.Value.MemoryCapacity;
        _spool = spool;
        _lock = spool.Gate;
        _memoryComplete = _spool.Pending == 0;
    }

    /// <summary>Records not yet stored (all of them are in the spool).</summary>
    public long Backlog
    {
        get
        {
            lock (_lock)
            {
                return _spool.Pending;
            }
        }
    }

    /// <summary>Adds the record to the writer's current batch; it is queued by <see cref="Flush"/>. By the writer thread only.</summary>
    public void Enqueue(PendingDecision record)
    {
        _spool.Append(record);
        _staged.Add(record);
    }

    /// <summary>
    /// Appends the current batch to the spool in one write and hands it to the operating system (from then on a killed
    /// process loses none of it), then queues it in memory while memory has room. Once per writer batch. If the spool
    /// cannot take it (disk full), none of it is queued and the exception is passed on: the spool is left as it was.
    /// </summary>
    public void Flush()
    {
        if (_staged.Count == 0)
        {
            return;
        }

        try
        {
            lock (_lock)
            {
                _spool.Flush();
                foreach (var record in _staged)
                {
                    if (_memoryComplete && _memory.Count < _capacity)
                    {
                        _memory.Enqueue(record);
                    }
                    else if (_memoryComplete)
                    {
                        // Full: from here on the file is the only complete copy; memory is freed and rebuilt once it is drained.
                        _memoryComplete = false;
                        _memory.Clear();
                    }
                }
            }
        }
        finally
        {
            _staged.Clear();
        }

        _signal.Release();
    }

    /// <summary>The oldest records, up to <paramref name="max"/>; they stay queued until acknowledged.</summary>
    public StoreBatch Peek(int max)
    {
        lock (_lock)
        {
            if (_memoryComplete)
            {
                var records = _memory.Take(max).ToList();
                return new StoreBatch(records, FromSpool: false, _spool.EndOf(records), records.Count, Unreadable: 0);
            }

            if (_spool.Pending == 0)
            {
                return StoreBatch.Empty;
            }
        }

        // From the file, without the lock: the writer appends meanwhile, past what is read (see docs/decision-log.md).
        var (fromFile, end, lines, unreadable) = _spool.Read(max);
        return new StoreBatch(fromFile, FromSpool: true, end, lines, unreadable);
    }

    /// <summary>The batch is stored; returns what failed in the spool's file work afterwards, if anything (see <see cref="DecisionSpool.Settle"/>).</summary>
    public Exception? Acknowledge(StoreBatch batch)
    {
        lock (_lock)
        {
            _spool.Acknowledge(batch.SpoolEnd, batch.Lines);
            // A memory batch whose memory overflowed (and was cleared) while it was being stored has nothing left to remove.
            if (!batch.FromSpool && _memoryComplete)
            {
                for (var i = 0; i < batch.Records.Count; i++)
                {
                    _memory.Dequeue();
                }
            }
            else if (_spool.Pending == 0)
            {
                _memoryComplete = true;
            }
        }

        // The offset saved, or the file compacted, without the lock.
        return _spool.Settle();
    }

    /// <summary>Puts the spool on disk, so that it also survives the machine; called off the request path, about once a second.</summary>
    public void SyncToDisk() => _spool.SyncToDisk();

    /// <summary>Waits until something is queued, or the timeout passes.</summary>
    public Task<bool> WaitAsync(TimeSpan timeout, CancellationToken cancellationToken) => _signal.WaitAsync(timeout, cancellationToken);

    public void Dispose()
    {
        _signal.Dispose();
        lock (_lock)
        {
            _spool.Dispose();
        }
    }
}
