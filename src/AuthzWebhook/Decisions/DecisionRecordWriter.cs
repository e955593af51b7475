using System.Buffers;
using System.Text.Json;
using AuthzWebhook.DecisionStore;
using AuthzWebhook.Hosting;
using Microsoft.Extensions.Options;

namespace AuthzWebhook.Decisions;

/// <summary>
/// Takes decision records from the buffer and writes them as JSON lines to stdout (or a file), alone: application logs
/// go to stderr, so the two streams never interleave. Each record is chained (hash of its canonical form and of the
/// record before it) in the order it is written, and appended to the spool for Postgres when
/// <c>DecisionStore:Enabled</c>. Flushes whenever the buffer runs dry and drains it on shutdown.
/// </summary>
internal sealed class DecisionRecordWriter(
    DecisionRecordBuffer buffer,
    DecisionChainer chainer,
    DecisionStoreQueue storeQueue,
    IOptions<DecisionLogOptions> options,
    IOptions<DecisionStoreOptions> storeOptions,
    Observability.AuthzMetrics metrics,
    ILogger<DecisionRecordWriter> logger) : BackgroundService
{
    private const int BatchSize = 512;
    private static readonly byte[] NewLine = "\n"u8.ToArray();

    public override async Task StopAsync(CancellationToken cancellationToken)
    {
        // Stopping means: take no more, write what is buffered. Kestrel has already drained its requests by now.
        buffer.Complete();
        if (ExecuteTask is { } running)
        {
            await running.WaitAsync(cancellationToken).ConfigureAwait(false);
        }
    }

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        await using var stream = OpenOutput(options.Value.Output);
        var line = new ArrayBufferWriter<byte>(2048);
        await using var json = new Utf8JsonWriter(line, new JsonWriterOptions { SkipValidation = true });
        // The same bytes go to stdout and to Postgres, so the stored record is exactly the one the SIEM received.
        var store = storeOptions.Value.Enabled ? storeQueue : null;
        var reader = buffer.Reader;
        try
        {
            // Not cancelled by stoppingToken: the channel completes on shutdown and the loop ends once it is drained.
            while (await reader.WaitToReadAsync(CancellationToken.None).ConfigureAwait(false))
            {
                // A bounded batch, then flush and release the reviews waiting on it: under load a batch never ends
                // on its own, and every review in it waits for the flush.
                var count = 0;
                while (count < BatchSize && reader.TryRead(out var record))
                {
                    var chained = chainer.Chain(record);
                    JsonSerializer.Serialize(json, chained, AuthzJsonContext.Default.DecisionRecord);
                    json.Flush();
                    json.Reset();
                    stream.Write(line.WrittenSpan);
                    stream.Write(NewLine);
                    store?.Enqueue(new PendingDecision(chainer.Run, chained, line.WrittenSpan.ToArray()));

                    line.ResetWrittenCount();
                    count++;
                }

                await stream.FlushAsync(CancellationToken.None).ConfigureAwait(false);
                if (store is null || FlushStore(store, count))
                {
                    buffer.MarkWritten(count);
                }
                else
                {
                    buffer.MarkNotWritten(count);
                }
            }
        }
        catch (IOException ex)
        {
            Log.DecisionOutputFailed(logger, ex);
            buffer.MarkFailed();
            throw;
        }
        catch
        {
            // Whatever stopped the writer, nobody may go on waiting for it.
            buffer.MarkFailed();
            throw;
        }
    }

    /// <summary>
    /// Appends the batch to the spool for Postgres. If the spool cannot take it (disk full), the records are on stdout
    /// only: they are counted and logged, and their reviews are answered 503 (not written), while the writer goes on,
    /// since stopping it would stop every answer. The spool is left as it was before the batch.
    /// </summary>
    private bool FlushStore(DecisionStoreQueue store, int count)
    {
        try
        {
            store.Flush();
            return true;
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            metrics.RecordStoreDropped(count);
            Log.DecisionSpoolFailed(logger, count, ex);
            return false;
        }
    }

    private static Stream OpenOutput(string output) =>
        output == "stdout"
            ? new BufferedStream(Console.OpenStandardOutput(), 64 * 1024)
            : new FileStream(output, FileMode.Append, FileAccess.Write, FileShare.Read, 64 * 1024, FileOptions.None);
}
