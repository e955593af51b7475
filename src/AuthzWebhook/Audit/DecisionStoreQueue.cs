using Microsoft.Extensions.Options;

namespace AuthzWebhook.Audit;

/// <summary>
/// Records on their way to Postgres, in write order: in memory while there is room, then in the spool file. Once
/// anything is spooled, everything after it is spooled too until the spool is drained, so records reach Postgres in
/// the order they were written; a spool left by an earlier run is older than anything new and goes first.
/// </summary>
internal sealed class DecisionStoreQueue : IDisposable
{
    private readonly Lock _lock = new();
    private readonly Queue<PendingDecision> _memory = new();
    private readonly DecisionSpool _spool;
    private readonly int _capacity;
    private readonly SemaphoreSlim _signal = new(0);
    private bool _spooling;

    public DecisionStoreQueue(IOptions<DecisionStoreOptions> options)
    {
        _capacity = options.Value.MemoryCapacity;
        _spool = new DecisionSpool(options.Value.SpoolPath);
        _spooling = _spool.Pending > 0;
    }

    /// <summary>Records not yet stored, in memory and spooled.</summary>
    public long Backlog
    {
        get
        {
            lock (_lock)
            {
                return _memory.Count + _spool.Pending;
            }
        }
    }

    public void Enqueue(PendingDecision record)
    {
        lock (_lock)
        {
            if (_spooling || _memory.Count >= _capacity)
            {
                _spooling = true;
                _spool.Append([record], flush: false);
            }
            else
            {
                _memory.Enqueue(record);
            }
        }

        _signal.Release();
    }

    /// <summary>The oldest records, up to <paramref name="max"/>; they stay queued until acknowledged.</summary>
    public StoreBatch Peek(int max)
    {
        lock (_lock)
        {
            if (_memory.Count > 0)
            {
                return new StoreBatch([.. _memory.Take(max)], FromSpool: false, SpoolEnd: 0);
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
            if (batch.FromSpool)
            {
                _spool.Acknowledge(batch.SpoolEnd, batch.Records.Count);
                _spooling = _spool.Pending > 0 || _memory.Count > 0;
            }
            else
            {
                for (var i = 0; i < batch.Records.Count; i++)
                {
                    _memory.Dequeue();
                }
            }
        }
    }

    /// <summary>Makes the records spooled since the last call durable; the writer calls it once per batch it handles.</summary>
    public void Flush()
    {
        lock (_lock)
        {
            _spool.Flush();
        }
    }

    /// <summary>Waits until something is queued, or the timeout passes.</summary>
    public Task<bool> WaitAsync(TimeSpan timeout, CancellationToken cancellationToken) => _signal.WaitAsync(timeout, cancellationToken);

    /// <summary>At shutdown: what is still in memory goes to disk, ahead of anything spooled after it, so a restart delivers it.</summary>
    public void SpoolMemory()
    {
        lock (_lock)
        {
            if (_memory.Count == 0)
            {
                return;
            }

            var remaining = _spool.Read(int.MaxValue).Records;
            var ordered = _memory.Concat(remaining).ToList();
            _spool.Acknowledge(long.MaxValue, (int)_spool.Pending);
            _spool.Append(ordered, flush: true);
            _memory.Clear();
            _spooling = true;
        }
    }

    public void Dispose()
    {
        _signal.Dispose();
        _spool.Dispose();
    }
}
