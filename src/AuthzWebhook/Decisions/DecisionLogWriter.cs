using System.Text.Json;
using AuthzWebhook.Hosting;
using Microsoft.Extensions.Options;

namespace AuthzWebhook.Decisions;

/// <summary>
/// Writes decision records as JSON lines to stdout (or a file), alone: application logs go to stderr, so the two
/// streams never interleave. Flushes whenever the buffer runs dry and drains it on shutdown.
/// </summary>
internal sealed class DecisionLogWriter(DecisionLog log, IOptions<DecisionLogOptions> options, ILogger<DecisionLogWriter> logger) : BackgroundService
{
    private static readonly byte[] NewLine = "\n"u8.ToArray();

    public override async Task StopAsync(CancellationToken cancellationToken)
    {
        // Stopping means: take no more, write what is buffered. Kestrel has already drained its requests by now.
        log.Complete();
        if (ExecuteTask is { } running)
        {
            await running.WaitAsync(cancellationToken).ConfigureAwait(false);
        }
    }

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        await using var stream = OpenOutput(options.Value.Output);
        await using var json = new Utf8JsonWriter(stream, new JsonWriterOptions { SkipValidation = true });
        var reader = log.Reader;
        try
        {
            // Not cancelled by stoppingToken: the channel completes on shutdown and the loop ends once it is drained.
            while (await reader.WaitToReadAsync(CancellationToken.None).ConfigureAwait(false))
            {
                while (reader.TryRead(out var record))
                {
                    JsonSerializer.Serialize(json, record, AuthzJsonContext.Default.DecisionRecord);
                    json.Flush();
                    json.Reset();
                    stream.Write(NewLine);
                }

                await stream.FlushAsync(CancellationToken.None).ConfigureAwait(false);
            }
        }
        catch (IOException ex)
        {
            Log.DecisionOutputFailed(logger, ex);
            throw;
        }
    }

    private static Stream OpenOutput(string output) =>
        output == "stdout"
            ? new BufferedStream(Console.OpenStandardOutput(), 64 * 1024)
            : new FileStream(output, FileMode.Append, FileAccess.Write, FileShare.Read, 64 * 1024, FileOptions.None);
}
