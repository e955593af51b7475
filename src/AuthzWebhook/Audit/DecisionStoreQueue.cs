using Microsoft.Extensions.Options;

namespace AuthzWebhook.Audit;

/// <summary>
/// Records on their way to Postgres, in write order. Every record is appended to the spool file as it is written
/// (write-ahead: a killed process loses none of them), and the newest are also kept in memory so that the usual
/// batch goes to Postgres without reading the file back. The memory copy is used only while it holds exactly the
/// records not yet stored; once it overflows (a long outage) or after a restart with a spool left over, batches
/// are read from the file until it is drained, and memory takes over again.
/// </summary>
internal sealed class DecisionStoreQueue : IDisposable
{
    private readonly Lock _lock = new();
    private readonly Queue<PendingDecision> _memory = new();
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
    {
        _capacity = options.Value.MemoryCapacity;
        _spool = new DecisionSpool(options.Value.SpoolPath, compactAfter);
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

    /// <summary>Appends the record to the spool (buffered until <see cref="Flush"/>), and to memory while it has room.</summary>
    public void Enqueue(PendingDecision record)
    {
        lock (_lock)
        {
            _spool.Append(record);
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
                return new StoreBatch(records, FromSpool: false, _spool.EndOf(records));
            }

            if (_spool.Pending > 0)
            {
                var (records, end) = _spool.Read(max);
                return new StoreBatch(records, FromSpool: true, end);
            }

            return StoreBatch.Empty;
        }
    }

    public void Acknowledge(StoreBatch batch)
    {
        lock (_lock)
        {
            _spool.Acknowledge(batch.SpoolEnd, batch.Records.Count);
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
    }

    /// <summary>Hands what was appended to the operating system: from then on a killed process loses none of it. Once per writer batch.</summary>
    public void Flush()
    {
        lock (_lock)
        {
            _spool.Flush();
        }
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
