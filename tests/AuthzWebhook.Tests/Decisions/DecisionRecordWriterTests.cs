using AuthzWebhook.Decisions;
using AuthzWebhook.DecisionStore;
using AuthzWebhook.Observability;
using AuthzWebhook.Tests.DecisionStore;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;

namespace AuthzWebhook.Tests.Decisions;

/// <summary>A batch the spool cannot take (disk full) is still on stdout, but its reviews learn that it is not written; the next batch is.</summary>
public sealed class DecisionRecordWriterTests : IDisposable
{
    private readonly string _directory = Directory.CreateTempSubdirectory("authz-writer-").FullName;

    [Fact]
    public async Task Reviews_whose_batch_the_spool_refused_are_answered_not_written_and_the_writer_goes_on()
    {
        var spoolPath = Path.Combine(_directory, "decisions.spool");
        var output = Path.Combine(_directory, "decisions.jsonl");
        var storeOptions = Options.Create(new DecisionStoreOptions { SpoolPath = spoolPath, MemoryCapacity = 100 });
        var disk = new FullDisk();
        await using var services = new ServiceCollection().AddMetrics().BuildServiceProvider();
        var queue = new DecisionStoreQueue(storeOptions, new DecisionSpool(spoolPath, DecisionSpool.CompactAfter, disk.Open));
        var metrics = new AuthzMetrics(services.GetRequiredService<System.Diagnostics.Metrics.IMeterFactory>());
        var logOptions = Options.Create(new DecisionLogOptions { Output = output });
        using var buffer = new DecisionRecordBuffer(logOptions, metrics);
        using var writer = new DecisionRecordWriter(buffer, new DecisionChainer(), queue, logOptions, storeOptions, metrics, NullLogger<DecisionRecordWriter>.Instance);
        await writer.StartAsync(CancellationToken.None);

        Assert.True(buffer.Write(Record("before"), out var before));
        Assert.True(await buffer.WhenWrittenAsync(before).WaitAsync(TimeSpan.FromSeconds(10)));

        disk.Full = true;
        Assert.True(buffer.Write(Record("refused"), out var refused));
        Assert.False(await buffer.WhenWrittenAsync(refused).WaitAsync(TimeSpan.FromSeconds(10)));
        Assert.Equal(1, disk.FailedWrites);

        disk.Full = false;
        Assert.True(buffer.Write(Record("after"), out var after));
        Assert.True(await buffer.WhenWrittenAsync(after).WaitAsync(TimeSpan.FromSeconds(10)));
        await writer.StopAsync(CancellationToken.None);

        // All three on stdout; the spool file holds the two it took, each on a line of its own (read back as a restart would).
        Assert.Equal(3, File.ReadAllLines(output).Length);
        queue.Dispose();
        using var restarted = new DecisionStoreQueue(storeOptions);
        var batch = restarted.Peek(10);
        Assert.True(batch.FromSpool);
        Assert.Equal(0, batch.Unreadable);
        Assert.Equal(["before", "after"], batch.Records.Select(r => r.Record.Reason));
    }

    public void Dispose() => Directory.Delete(_directory, recursive: true);

    private static DecisionRecord Record(string reason) => new()
    {
        Time = "2026-11-27T14:00:00.000000Z",
        DecisionId = Guid.CreateVersion7(),
        Decision = "no_opinion",
        Reason = reason,
        User = new DecisionUser("u", string.Empty, [], new Dictionary<string, string[]>()),
        Request = new DecisionRequest("resource", "get", string.Empty, "v1", "pods", string.Empty, "ns", string.Empty, null),
        Instance = "test",
    };
}
