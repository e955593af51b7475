using System.Threading.Channels;
using AuthzWebhook.Observability;
using Microsoft.Extensions.Options;

namespace AuthzWebhook.Decisions;

/// <summary>
/// The hand-off from the request path to the record writer. Writing never waits: a slow stdout must not slow the
/// API server, so when the buffer is full a record is counted as dropped (and the metric shows it).
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
                FullMode = BoundedChannelFullMode.DropWrite,
                SingleReader = true,
                SingleWriter = false,
            },
            OnDropped);
    }

    public ChannelReader<DecisionRecord> Reader => _channel.Reader;

    public long Dropped => Interlocked.Read(ref _dropped);

    public int Backlog => _channel.Reader.Count;

    public void Write(DecisionRecord record) => _channel.Writer.TryWrite(record);

    /// <summary>No more records will come (shutdown); the writer drains what is buffered.</summary>
    public void Complete() => _channel.Writer.TryComplete();

    private void OnDropped(DecisionRecord record)
    {
        Interlocked.Increment(ref _dropped);
        _metrics.RecordDropped();
    }
}
