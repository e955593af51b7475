using System.Text.Json;
using AuthzWebhook.Audit;
using AuthzWebhook.Decisions;
using AuthzWebhook.Hosting;
using Microsoft.Extensions.Options;

namespace AuthzWebhook.Tests.Audit;

/// <summary>Records reach Postgres in write order however they waited: in memory, in the spool, across a restart.</summary>
public sealed class DecisionStoreQueueTests : IDisposable
{
    private readonly string _directory = Directory.CreateTempSubdirectory("authz-spool-").FullName;

    private string SpoolPath => Path.Combine(_directory, "decisions.spool");

    [Fact]
    public void Records_wait_in_memory_then_in_the_spool_and_come_out_in_the_order_written()
    {
        using var queue = Queue(capacity: 3);
        var written = Records(8);
        foreach (var record in written)
        {
            queue.Enqueue(record);
        }

        Assert.Equal(8, queue.Backlog);
        Assert.True(File.Exists(SpoolPath));
        Assert.Equal(Ids(written), Drain(queue, batch: 2));
        Assert.Equal(0, queue.Backlog);
        Assert.False(File.Exists(SpoolPath), "a drained spool is removed");
    }

    [Fact]
    public void While_the_spool_holds_records_new_ones_queue_behind_them_even_with_room_in_memory()
    {
        using var queue = Queue(capacity: 2);
        var first = Records(4);
        foreach (var record in first)
        {
            queue.Enqueue(record);
        }

        var memory = queue.Peek(10);
        queue.Acknowledge(memory);
        var later = Records(2);
        foreach (var record in later)
        {
            queue.Enqueue(record);
        }

        Assert.Equal(Ids(first.Skip(2)).Concat(Ids(later)), Drain(queue, batch: 10));
    }

    [Fact]
    public void A_spool_left_by_an_earlier_run_is_delivered_before_anything_new()
    {
        var earlier = Records(5);
        using (var stopping = Queue(capacity: 100))
        {
            foreach (var record in earlier)
            {
                stopping.Enqueue(record);
            }

            stopping.SpoolMemory();
        }

        using var restarted = Queue(capacity: 100);
        var fresh = Records(2);
        foreach (var record in fresh)
        {
            restarted.Enqueue(record);
        }

        Assert.Equal(7, restarted.Backlog);
        Assert.Equal(Ids(earlier).Concat(Ids(fresh)), Drain(restarted, batch: 3));
    }

    [Fact]
    public void A_line_torn_by_a_crash_does_not_swallow_the_next_record()
    {
        var records = Records(3);
        using (var queue = Queue(capacity: 1))
        {
            queue.Enqueue(records[0]);
            queue.Enqueue(records[1]);
        }

        File.AppendAllText(SpoolPath, "0123456789abcdef0123456789abcdef\t{\"schema\":\"authzwebhook.decis");

        using var restarted = Queue(capacity: 1);
        restarted.Enqueue(records[2]);

        // records[0] was only in memory when the process died (it is on stdout); records[1] was spooled.
        Assert.Equal([records[1].Record.DecisionId, records[2].Record.DecisionId], Drain(restarted, batch: 10));
    }

    public void Dispose() => Directory.Delete(_directory, recursive: true);

    private DecisionStoreQueue Queue(int capacity) =>
        new(Options.Create(new DecisionStoreOptions { MemoryCapacity = capacity, SpoolPath = SpoolPath }));

    private static List<Guid> Drain(DecisionStoreQueue queue, int batch)
    {
        var ids = new List<Guid>();
        while (queue.Peek(batch) is { Records.Count: > 0 } taken)
        {
            ids.AddRange(taken.Records.Select(r => r.Record.DecisionId));
            queue.Acknowledge(taken);
        }

        return ids;
    }

    private static IEnumerable<Guid> Ids(IEnumerable<PendingDecision> records) => records.Select(r => r.Record.DecisionId);

    private static List<PendingDecision> Records(int count)
    {
        var chainer = new DecisionChainer();
        return [.. Enumerable.Range(0, count).Select(i =>
        {
            var record = chainer.Chain(new DecisionRecord
            {
                Time = "2026-11-27T14:00:00.000000Z",
                DecisionId = Guid.CreateVersion7(),
                Decision = "no_opinion",
                Reason = "decision: none",
                User = new DecisionUser("oidc:alice@example.com", string.Empty, [], new Dictionary<string, string[]>()),
                Request = new DecisionRequest("resource", "get", string.Empty, "v1", "pods", string.Empty, "payments", $"p-{i}", null),
                Instance = "replica-a",
            });
            return new PendingDecision(chainer.Run, record, JsonSerializer.SerializeToUtf8Bytes(record, AuthzJsonContext.Default.DecisionRecord));
        })];
    }
}
