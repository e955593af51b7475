using System.Threading.Channels;
using AuthzWebhook.Observability;
using Microsoft.Extensions.Options;

namespace AuthzWebhook.Decisions;

/// <summary>
/// The hand-off from the request path to the record writer. Writing never waits: a slow stdout must not slow the
/// API server, so when the buffer is full a record is refused, counted as dropped (and the metric shows it), and the
/// caller decides what an unrecorded answer may be.
/// </summary>
internal sealed class DecisionLog
{
    private readonly Channel<DecisionRecord> _channel;
    private readonly AuthzMetrics _metrics;
    private long _dropped;

    public DecisionLog(IOptions<DecisionLogOptions> options, AuthzMetrics metrics)
    {
        _metrics = metrics;
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
    public bool Write(DecisionRecord record)
    {
        if (_channel.Writer.TryWrite(record))
        {
            return true;
        }

        Interlocked.Increment(ref _dropped);
        _metrics.RecordDropped();
        return false;
    }

    /// <summary>No more records will come (shutdown); the writer drains what is buffered.</summary>
    public void Complete() => _channel.Writer.TryComplete();
}
