using AuthzWebhook.DecisionStore;
using Microsoft.Extensions.Options;

namespace AuthzWebhook.Tests.DecisionStore;

/// <summary>Records reach Postgres in write order however they waited: in memory, in the spool, across a restart.</summary>
public sealed class DecisionStoreQueueTests : IDisposable
{
    private readonly string _directory = Directory.CreateTempSubdirectory("authz-spool-").FullName;

    private string SpoolPath => Path.Combine(_directory, "decisions.spool");

    [Fact]
    public void Every_record_is_spooled_as_it_is_written_and_comes_out_in_the_order_written()
    {
        using var queue = Queue(capacity: 3);
        var written = SpoolRecords.Make(8);
        foreach (var record in written)
        {
            queue.Enqueue(record);
        }

        queue.Flush();

        Assert.Equal(8, queue.Backlog);
        Assert.Equal(8, ReadSpool().Length);
        Assert.Equal(Ids(written), Drain(queue, batch: 2));
        Assert.Equal(0, queue.Backlog);
        Assert.False(File.Exists(SpoolPath), "a drained spool is removed");
    }

    [Fact]
    public void Batches_come_from_memory_while_it_holds_every_waiting_record_and_from_the_file_once_it_overflowed()
    {
        using var queue = Queue(capacity: 2);
        var small = SpoolRecords.Make(2);
        queue.Enqueue(small[0]);
        queue.Enqueue(small[1]);
        queue.Flush();
        var fromMemory = queue.Peek(10);
        Assert.False(fromMemory.FromSpool);
        queue.Acknowledge(fromMemory);

        var many = SpoolRecords.Make(5);
        foreach (var record in many)
        {
            queue.Enqueue(record);
        }

        queue.Flush();
        var fromFile = queue.Peek(3);
        Assert.True(fromFile.FromSpool);
        Assert.Equal(Ids(many.Take(3)), Ids(fromFile.Records));
        queue.Acknowledge(fromFile);
        Assert.Equal(Ids(many.Skip(3)), Drain(queue, batch: 10));

        // Drained: memory holds every waiting record again.
        var after = SpoolRecords.Make(1);
        queue.Enqueue(after[0]);
        queue.Flush();
        Assert.False(queue.Peek(10).FromSpool);
        Assert.Equal(Ids(after), Drain(queue, batch: 10));
    }

    [Fact]
    public void Records_of_a_process_killed_before_delivering_them_are_delivered_by_the_next_start_first()
    {
        var earlier = SpoolRecords.Make(5);
        var killed = Queue(capacity: 100);
        foreach (var record in earlier)
        {
            killed.Enqueue(record);
        }

        // What the writer does once per batch before answering; no shutdown follows (the process is killed).
        killed.Flush();

        using var restarted = Queue(capacity: 100);
        var fresh = SpoolRecords.Make(2);
        foreach (var record in fresh)
        {
            restarted.Enqueue(record);
        }

        restarted.Flush();

        Assert.Equal(7, restarted.Backlog);
        Assert.Equal(Ids(earlier).Concat(Ids(fresh)), Drain(restarted, batch: 3));
        killed.Dispose();
    }

    [Fact]
    public void An_offset_left_without_its_file_is_ignored_and_nothing_new_is_skipped()
    {
        // A crash between removing a drained spool and its offset, or a machine that lost the spool's last second.
        File.WriteAllText(SpoolPath + ".offset", "123456");
        using var queue = Queue(capacity: 1);
        var records = SpoolRecords.Make(3);
        foreach (var record in records)
        {
            queue.Enqueue(record);
        }

        queue.Flush();
        Assert.Equal(Ids(records), Drain(queue, batch: 2));
        Assert.False(File.Exists(SpoolPath));
    }

    [Fact]
    public void A_memory_batch_acknowledged_after_memory_overflowed_meanwhile_is_harmless()
    {
        using var queue = Queue(capacity: 2);
        var records = SpoolRecords.Make(5);
        queue.Enqueue(records[0]);
        queue.Flush();
        var inFlight = queue.Peek(10);
        Assert.False(inFlight.FromSpool);
        foreach (var record in records.Skip(1))
        {
            queue.Enqueue(record);
        }

        queue.Flush();

        queue.Acknowledge(inFlight);

        Assert.Equal(Ids(records.Skip(1)), Drain(queue, batch: 10));
    }

    [Fact]
    public void A_line_torn_by_a_crash_does_not_swallow_the_next_record()
    {
        var records = SpoolRecords.Make(3);
        using (var queue = Queue(capacity: 1))
        {
            queue.Enqueue(records[0]);
            queue.Enqueue(records[1]);
            queue.Flush();
        }

        File.AppendAllText(SpoolPath, "0123456789abcdef0123456789abcdef\t{\"schema\":\"authzwebhook.decis");

        using var restarted = Queue(capacity: 1);
        restarted.Enqueue(records[2]);
        restarted.Flush();

        Assert.Equal(Ids(records), Drain(restarted, batch: 10));
    }

    [Fact]
    public void Under_steady_load_the_stored_part_is_cut_off_the_file_and_nothing_waiting_is_lost()
    {
        var records = SpoolRecords.Make(24);
        var line = records[0].Line.Length + 34;
        using var queue = new DecisionStoreQueue(Options.Create(new DecisionStoreOptions { MemoryCapacity = 100, SpoolPath = SpoolPath }), compactAfter: 16L * line);
        var delivered = new List<Guid>();
        foreach (var record in records)
        {
            // Never fully drained: one record always waits, as under steady load.
            queue.Enqueue(record);
            queue.Flush();
            if (queue.Backlog > 1)
            {
                var batch = queue.Peek((int)queue.Backlog - 1);
                delivered.AddRange(Ids(batch.Records));
                queue.Acknowledge(batch);
            }
        }

        queue.Flush();
        Assert.True(new FileInfo(SpoolPath).Length < 16L * line, "the stored prefix was cut off");
        delivered.AddRange(Drain(queue, batch: 10));
        Assert.Equal(Ids(records), delivered);
    }

    [Fact]
    public void A_batch_the_disk_could_not_take_is_cut_off_again_and_the_next_batch_reads_back_whole()
    {
        var disk = new FullDisk();
        var options = Options.Create(new DecisionStoreOptions { MemoryCapacity = 1, SpoolPath = SpoolPath });
        using var queue = new DecisionStoreQueue(options, new DecisionSpool(SpoolPath, DecisionSpool.CompactAfter, disk.Open));
        var records = SpoolRecords.Make(5);
        queue.Enqueue(records[0]);
        queue.Enqueue(records[1]);
        queue.Flush();
        var length = new FileInfo(SpoolPath).Length;

        disk.Full = true;
        queue.Enqueue(records[2]);
        queue.Enqueue(records[3]);
        Assert.Throws<IOException>(queue.Flush);
        Assert.Equal(1, disk.FailedWrites);
        Assert.Equal(length, new FileInfo(SpoolPath).Length);

        disk.Full = false;
        queue.Enqueue(records[4]);
        queue.Flush();

        // Memory overflowed with the first batch: everything is read back from the file.
        Assert.Equal(3, queue.Backlog);
        var batch = queue.Peek(10);
        Assert.True(batch.FromSpool);
        Assert.Equal(0, batch.Unreadable);
        Assert.Equal(Ids([records[0], records[1], records[4]]), Ids(batch.Records));
    }

    [Fact]
    public void A_line_that_cannot_be_read_back_is_counted_and_the_records_around_it_come_out()
    {
        var records = SpoolRecords.Make(4);
        using (var queue = Queue(capacity: 1))
        {
            queue.Enqueue(records[0]);
            queue.Enqueue(records[1]);
            queue.Flush();
        }

        // Damaged in place: a whole line that is not a record.
        File.AppendAllText(SpoolPath, "0123456789abcdef0123456789abcdef\t{\"schema\":\"authzwebhook.decis\nnot a spool line\n");
        using var restarted = Queue(capacity: 1);
        restarted.Enqueue(records[2]);
        restarted.Enqueue(records[3]);
        restarted.Flush();

        var batch = restarted.Peek(10);
        Assert.Equal(6, batch.Lines);
        Assert.Equal(2, batch.Unreadable);
        Assert.Equal(Ids(records), Ids(batch.Records));
        restarted.Acknowledge(batch);
        Assert.Equal(0, restarted.Backlog);
    }

    [Fact]
    public async Task Appends_go_on_while_the_file_is_read_back()
    {
        using var reads = new PausingReads();
        var records = SpoolRecords.Make(6);
        using var queue = new DecisionStoreQueue(
            Options.Create(new DecisionStoreOptions { MemoryCapacity = 1, SpoolPath = SpoolPath }),
            new DecisionSpool(SpoolPath, DecisionSpool.CompactAfter, FileAppender, reads.Open));
        foreach (var record in records.Take(3))
        {
            queue.Enqueue(record);
        }

        queue.Flush();

        reads.Arm();
        var peeking = Task.Run(() => queue.Peek(10));
        Assert.True(reads.WaitUntilPaused(TimeSpan.FromSeconds(10)), "the batch is read from the file");
        var appending = Task.Run(() =>
        {
            foreach (var record in records.Skip(3))
            {
                queue.Enqueue(record);
            }

            queue.Flush();
        });
        await appending.WaitAsync(TimeSpan.FromSeconds(5));
        reads.Release();

        var first = await peeking.WaitAsync(TimeSpan.FromSeconds(10));
        Assert.Equal(Ids(records.Take(3)), Ids(first.Records));
        queue.Acknowledge(first);
        Assert.Equal(Ids(records.Skip(3)), Drain(queue, batch: 10));
    }

    [Fact]
    public async Task Appends_go_on_while_the_file_is_compacted_and_nothing_is_lost_duplicated_or_reordered()
    {
        using var reads = new PausingReads();
        var records = SpoolRecords.Make(40);
        var line = records[0].Line.Length + 34;
        var options = Options.Create(new DecisionStoreOptions { MemoryCapacity = 100, SpoolPath = SpoolPath });
        using var queue = new DecisionStoreQueue(options, new DecisionSpool(SpoolPath, 16L * line, FileAppender, reads.Open));
        foreach (var record in records.Take(18))
        {
            queue.Enqueue(record);
        }

        queue.Flush();
        var delivered = new List<Guid>();
        var batch = queue.Peek(17);
        delivered.AddRange(Ids(batch.Records));

        // 17 lines stored, one waiting: acknowledging compacts, and the copy stops at its first read.
        reads.Arm();
        var compacting = Task.Run(() => queue.Acknowledge(batch));
        Assert.True(reads.WaitUntilPaused(TimeSpan.FromSeconds(10)), "compaction copies the file");
        var appending = Task.Run(() =>
        {
            foreach (var record in records.Skip(18).Take(10))
            {
                queue.Enqueue(record);
                queue.Flush();
            }
        });
        await appending.WaitAsync(TimeSpan.FromSeconds(5));
        reads.Release();
        await compacting.WaitAsync(TimeSpan.FromSeconds(10));

        // The stored prefix cut off; the waiting line and the ten appended meanwhile kept.
        Assert.Equal(records.Skip(17).Take(11).Sum(r => r.Line.Length + 34L), new FileInfo(SpoolPath).Length);
        Assert.Equal("0", File.ReadAllText(SpoolPath + ".offset"));
        foreach (var record in records.Skip(28))
        {
            queue.Enqueue(record);
        }

        queue.Flush();
        delivered.AddRange(Drain(queue, batch: 5));
        Assert.Equal(Ids(records), delivered);
    }

    [Fact]
    public void A_compaction_that_fails_is_reported_not_thrown_and_delivery_goes_on_from_the_saved_offset()
    {
        var records = SpoolRecords.Make(30);
        var line = records[0].Line.Length + 34;
        var options = Options.Create(new DecisionStoreOptions { MemoryCapacity = 100, SpoolPath = SpoolPath });
        using var queue = new DecisionStoreQueue(options, 16L * line);
        foreach (var record in records.Take(18))
        {
            queue.Enqueue(record);
        }

        queue.Flush();
        // 17 of 18 lines stored: acknowledging compacts. The copy cannot be created (as on a full disk): a directory stands where it would go.
        Directory.CreateDirectory(SpoolPath + ".compact");
        var batch = queue.Peek(17);

        var failure = queue.Acknowledge(batch);

        Assert.NotNull(failure);
        Assert.Equal(records.Take(17).Sum(r => r.Line.Length + 34L).ToString(System.Globalization.CultureInfo.InvariantCulture), File.ReadAllText(SpoolPath + ".offset"));
        Directory.Delete(SpoolPath + ".compact");
        foreach (var record in records.Skip(18))
        {
            queue.Enqueue(record);
        }

        queue.Flush();
        Assert.Equal(Ids(records.Skip(17)), Drain(queue, batch: 4));
    }

    [Fact]
    public void A_restart_after_compaction_sends_exactly_what_was_not_stored()
    {
        var records = SpoolRecords.Make(30);
        var line = records[0].Line.Length + 34;
        var options = Options.Create(new DecisionStoreOptions { MemoryCapacity = 100, SpoolPath = SpoolPath });
        var killed = new DecisionStoreQueue(options, 16L * line);
        foreach (var record in records.Take(20))
        {
            killed.Enqueue(record);
        }

        killed.Flush();
        var batch = killed.Peek(17);
        killed.Acknowledge(batch);
        foreach (var record in records.Skip(20))
        {
            killed.Enqueue(record);
        }

        killed.Flush();

        // No shutdown: the process is killed after compacting and appending.
        using var restarted = Queue(capacity: 100);
        Assert.Equal(13, restarted.Backlog);
        Assert.Equal(Ids(records.Skip(17)), Drain(restarted, batch: 4));
        killed.Dispose();
    }

    public void Dispose() => Directory.Delete(_directory, recursive: true);

    private string[] ReadSpool()
    {
        using var stream = new FileStream(SpoolPath, FileMode.Open, FileAccess.Read, FileShare.ReadWrite);
        using var reader = new StreamReader(stream);
        return reader.ReadToEnd().Split('\n', StringSplitOptions.RemoveEmptyEntries);
    }

    private static FileStream FileAppender(string path) =>
        new(path, FileMode.OpenOrCreate, FileAccess.Write, FileShare.ReadWrite | FileShare.Delete, bufferSize: 0);

    private DecisionStoreQueue Queue(int capacity) =>
        new(Options.Create(new DecisionStoreOptions { MemoryCapacity = capacity, SpoolPath = SpoolPath }));

    private static List<Guid> Drain(DecisionStoreQueue queue, int batch)
    {
        var ids = new List<Guid>();
        while (queue.Peek(batch) is { Lines: > 0 } taken)
        {
            ids.AddRange(taken.Records.Select(r => r.Record.DecisionId));
            queue.Acknowledge(taken);
        }

        return ids;
    }

    private static IEnumerable<Guid> Ids(IEnumerable<PendingDecision> records) => records.Select(r => r.Record.DecisionId);
}
