using System.Buffers;
using System.Text.Json;
using AuthzWebhook.Decisions;
using AuthzWebhook.Hosting;

namespace AuthzWebhook.DecisionStore;

/// <summary>
/// Gives each decision record its place in this instance's hash chain, in the order records are written. Used by the
/// single writer only, so the sequence is the write order; a new process starts a new chain at seq 1.
/// </summary>
internal sealed class DecisionChainer
{
    // One writer thread: the buffers are reused for every record instead of allocated for each.
    private readonly ArrayBufferWriter<byte> _json = new(2048);
    private readonly ArrayBufferWriter<byte> _scratch = new(2048);
    private long _seq;
    private string _prev = ChainHash.Genesis;

    /// <summary>This process's chain: with the instance name it tells chains apart across restarts (seq starts again at 1).</summary>
    public Guid Run { get; } = Guid.CreateVersion7();

    public DecisionRecord Chain(DecisionRecord record)
    {
        var unchained = record.Chain is null ? record : record with { Chain = null };
        _json.ResetWrittenCount();
        using (var writer = new Utf8JsonWriter(_json))
        {
            JsonSerializer.Serialize(writer, unchained, AuthzJsonContext.Default.DecisionRecord);
        }

        using var document = JsonDocument.Parse(_json.WrittenMemory);
        var seq = _seq + 1;
        var hash = ChainHash.Compute(seq, _prev, document.RootElement, _scratch);
        var chained = unchained with { Chain = new DecisionChain(seq, _prev, hash) };
        _seq = seq;
        _prev = hash;
        return chained;
    }
}
