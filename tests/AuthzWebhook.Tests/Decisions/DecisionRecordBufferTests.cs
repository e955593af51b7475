using AuthzWebhook.Decisions;
using AuthzWebhook.Observability;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;

namespace AuthzWebhook.Tests.Decisions;

/// <summary>
/// The request path hands records over without ever blocking on the writer (a slow stdout), and learns when its record
/// is out: in queue order, once per batch the writer reports.
/// </summary>
public sealed class DecisionRecordBufferTests
{
    private static DecisionRecord Record(int i) => new()
    {
        Time = "2026-11-27T14:00:00.000000Z",
        DecisionId = Guid.CreateVersion7(),
        Decision = "no_opinion",
        Reason = $"decision {i}",
        User = new DecisionUser("u", string.Empty, [], new Dictionary<string, string[]>()),
        Request = new DecisionRequest("resource", "get", string.Empty, "v1", "pods", string.Empty, "ns", string.Empty, null),
        Instance = "test",
    };

    [Fact]
    public async Task Writing_to_a_full_buffer_with_a_stalled_writer_returns_at_once_and_counts_the_drop()
    {
        using var services = new ServiceCollection().AddMetrics().BuildServiceProvider();
        var buffer = new DecisionRecordBuffer(Options.Create(new DecisionLogOptions { Capacity = 1024 }), new AuthzMetrics(services.GetRequiredService<System.Diagnostics.Metrics.IMeterFactory>()));

        // Nobody reads: the writer is as stuck as a blocked stdout. A blocking Write would never finish.
        var writing = Task.Run(() =>
        {
            for (var i = 0; i < 1024 + 10; i++)
            {
                buffer.Write(Record(i));
            }
        });

        await writing.WaitAsync(TimeSpan.FromSeconds(30));
        Assert.Equal(1024, buffer.Backlog);
        Assert.Equal(10, buffer.Dropped);
    }

    [Fact]
    public void Buffered_records_are_read_in_the_order_they_were_written()
    {
        using var services = new ServiceCollection().AddMetrics().BuildServiceProvider();
        var buffer = new DecisionRecordBuffer(Options.Create(new DecisionLogOptions { Capacity = 1024 }), new AuthzMetrics(services.GetRequiredService<System.Diagnostics.Metrics.IMeterFactory>()));
        for (var i = 0; i < 5; i++)
        {
            buffer.Write(Record(i));
        }

        buffer.Complete();

        var reasons = new List<string>();
        while (buffer.Reader.TryRead(out var record))
        {
            reasons.Add(record.Reason);
        }

        Assert.Equal(["decision 0", "decision 1", "decision 2", "decision 3", "decision 4"], reasons);
        Assert.True(buffer.Reader.Completion.IsCompleted);
    }

    [Fact]
    public async Task A_record_counts_as_written_only_once_the_writer_has_put_out_everything_up_to_it()
    {
        using var services = new ServiceCollection().AddMetrics().BuildServiceProvider();
        var buffer = new DecisionRecordBuffer(Options.Create(new DecisionLogOptions { Capacity = 1024 }), new AuthzMetrics(services.GetRequiredService<System.Diagnostics.Metrics.IMeterFactory>()));
        Assert.True(buffer.Write(Record(0), out var first));
        Assert.True(buffer.Write(Record(1), out var second));
        Assert.True(buffer.Write(Record(2), out var third));
        Assert.Equal([1L, 2L, 3L], new[] { first, second, third });

        var waitingFirst = buffer.WhenWrittenAsync(first);
        var waitingThird = buffer.WhenWrittenAsync(third);
        Assert.False(waitingFirst.IsCompleted);

        buffer.MarkWritten(2);
        Assert.True(await waitingFirst.WaitAsync(TimeSpan.FromSeconds(5)));
        Assert.True(buffer.WhenWrittenAsync(second).IsCompletedSuccessfully);
        await Task.Delay(50);
        Assert.False(waitingThird.IsCompleted, "the third record is not out yet");

        buffer.MarkWritten(1);
        Assert.True(await waitingThird.WaitAsync(TimeSpan.FromSeconds(5)));
    }

    [Fact]
    public async Task A_batch_releases_the_reviews_up_to_its_last_record_and_leaves_later_ones_waiting()
    {
        using var services = new ServiceCollection().AddMetrics().BuildServiceProvider();
        using var buffer = new DecisionRecordBuffer(Options.Create(new DecisionLogOptions { Capacity = 1024 }), new AuthzMetrics(services.GetRequiredService<System.Diagnostics.Metrics.IMeterFactory>()));
        var tickets = new long[4];
        for (var i = 0; i < tickets.Length; i++)
        {
            Assert.True(buffer.Write(Record(i), out tickets[i]));
        }

        // Registered out of order, as reviews on different threads do.
        var fourth = buffer.WhenWrittenAsync(tickets[3]);
        var second = buffer.WhenWrittenAsync(tickets[1]);
        var first = buffer.WhenWrittenAsync(tickets[0]);

        buffer.MarkWritten(2);

        Assert.True(await first.WaitAsync(TimeSpan.FromSeconds(5)));
        Assert.True(await second.WaitAsync(TimeSpan.FromSeconds(5)));
        Assert.False(fourth.IsCompleted, "a waiter with a higher ticket stays pending");
        buffer.MarkWritten(1);
        Assert.False(fourth.IsCompleted, "still one record short");
        buffer.MarkWritten(1);
        Assert.True(await fourth.WaitAsync(TimeSpan.FromSeconds(5)));
    }

    [Fact]
    public async Task Reviews_waiting_for_later_records_are_not_woken_by_every_batch_before_theirs()
    {
        using var services = new ServiceCollection().AddMetrics().BuildServiceProvider();
        using var buffer = new DecisionRecordBuffer(Options.Create(new DecisionLogOptions { Capacity = 4096 }), new AuthzMetrics(services.GetRequiredService<System.Diagnostics.Metrics.IMeterFactory>()));
        const int Early = 100;
        const int Late = 1000;
        var late = new List<Task<bool>>(Late);
        for (var i = 0; i < Early + Late; i++)
        {
            Assert.True(buffer.Write(Record(i), out var ticket));
            if (i >= Early)
            {
                late.Add(buffer.WhenWrittenAsync(ticket));
            }
        }

        // A hundred one-record batches ahead of them, each given time to wake whoever it wakes: woken every time,
        // the late reviews would run a hundred thousand continuations on the thread pool; left alone, none.
        var before = ThreadPool.CompletedWorkItemCount;
        for (var i = 0; i < Early; i++)
        {
            buffer.MarkWritten(1);
            await Task.Delay(5);
        }

        var woken = ThreadPool.CompletedWorkItemCount - before;
        Assert.All(late, waiting => Assert.False(waiting.IsCompleted));
        Assert.InRange(woken, 0, 20_000);

        buffer.MarkWritten(Late);
        Assert.All(await Task.WhenAll(late).WaitAsync(TimeSpan.FromSeconds(10)), Assert.True);
    }

    [Fact]
    public async Task A_batch_the_writer_could_not_keep_fails_only_its_own_reviews_even_those_asking_late()
    {
        using var services = new ServiceCollection().AddMetrics().BuildServiceProvider();
        using var buffer = new DecisionRecordBuffer(Options.Create(new DecisionLogOptions { Capacity = 1024 }), new AuthzMetrics(services.GetRequiredService<System.Diagnostics.Metrics.IMeterFactory>()));
        var tickets = new long[5];
        for (var i = 0; i < tickets.Length; i++)
        {
            Assert.True(buffer.Write(Record(i), out tickets[i]));
        }

        var waitingSecond = buffer.WhenWrittenAsync(tickets[1]);
        var waitingFifth = buffer.WhenWrittenAsync(tickets[4]);

        buffer.MarkWritten(1);
        buffer.MarkNotWritten(2);
        buffer.MarkWritten(2);

        Assert.False(await waitingSecond.WaitAsync(TimeSpan.FromSeconds(5)));
        Assert.True(await waitingFifth.WaitAsync(TimeSpan.FromSeconds(5)));
        // Reviews that ask only after their batch was handled get the same answer.
        Assert.True(await buffer.WhenWrittenAsync(tickets[0]));
        Assert.False(await buffer.WhenWrittenAsync(tickets[2]));
        Assert.True(await buffer.WhenWrittenAsync(tickets[3]));
        Assert.True(await buffer.WhenWrittenAsync(0));
    }

    [Fact]
    public async Task A_review_asking_after_its_failed_batch_was_forgotten_is_told_not_written()
    {
        using var services = new ServiceCollection().AddMetrics().BuildServiceProvider();
        using var buffer = new DecisionRecordBuffer(Options.Create(new DecisionLogOptions { Capacity = 1024 }), new AuthzMetrics(services.GetRequiredService<System.Diagnostics.Metrics.IMeterFactory>()));
        var tickets = new long[200];
        for (var i = 0; i < tickets.Length; i++)
        {
            Assert.True(buffer.Write(Record(i), out tickets[i]));
        }

        // A hundred separate failed batches, each between two written ones: more ranges than the buffer keeps.
        for (var i = 0; i < 100; i++)
        {
            buffer.MarkNotWritten(1);
            buffer.MarkWritten(1);
        }

        // The first failed record: its range is no longer held, so it must not come back as written.
        Assert.False(await buffer.WhenWrittenAsync(tickets[0]));
        Assert.False(await buffer.WhenWrittenAsync(tickets[198]));
        Assert.True(await buffer.WhenWrittenAsync(tickets[199]));
    }

    [Fact]
    public async Task When_the_writer_fails_every_waiting_review_learns_that_its_record_is_not_written()
    {
        using var services = new ServiceCollection().AddMetrics().BuildServiceProvider();
        var buffer = new DecisionRecordBuffer(Options.Create(new DecisionLogOptions { Capacity = 1024 }), new AuthzMetrics(services.GetRequiredService<System.Diagnostics.Metrics.IMeterFactory>()));
        buffer.Write(Record(0), out var ticket);
        var waiting = buffer.WhenWrittenAsync(ticket);

        buffer.MarkFailed();

        Assert.False(await waiting.WaitAsync(TimeSpan.FromSeconds(5)));
        buffer.Write(Record(1), out var later);
        Assert.False(await buffer.WhenWrittenAsync(later));
    }

    [Fact]
    public async Task Many_reviews_waiting_at_once_are_each_released_by_the_batch_that_holds_their_record()
    {
        using var services = new ServiceCollection().AddMetrics().BuildServiceProvider();
        var buffer = new DecisionRecordBuffer(Options.Create(new DecisionLogOptions { Capacity = 4096 }), new AuthzMetrics(services.GetRequiredService<System.Diagnostics.Metrics.IMeterFactory>()));
        var writer = Task.Run(async () =>
        {
            var done = 0;
            while (done < 2000 && await buffer.Reader.WaitToReadAsync())
            {
                var batch = 0;
                while (batch < 37 && buffer.Reader.TryRead(out _))
                {
                    batch++;
                }

                done += batch;
                buffer.MarkWritten(batch);
            }
        });

        var reviews = Enumerable.Range(0, 2000).Select(i => Task.Run(async () =>
        {
            Assert.True(buffer.Write(Record(i), out var ticket));
            return await buffer.WhenWrittenAsync(ticket);
        })).ToList();

        Assert.All(await Task.WhenAll(reviews).WaitAsync(TimeSpan.FromSeconds(30)), Assert.True);
        await writer.WaitAsync(TimeSpan.FromSeconds(30));
    }

    [Fact]
    public async Task A_record_the_writer_does_not_put_out_in_time_is_reported_not_written()
    {
        using var services = new ServiceCollection().AddMetrics().BuildServiceProvider();
        using var buffer = new DecisionRecordBuffer(
            Options.Create(new DecisionLogOptions { Capacity = 1024, WriteTimeout = TimeSpan.FromMilliseconds(300) }),
            new AuthzMetrics(services.GetRequiredService<System.Diagnostics.Metrics.IMeterFactory>()));
        buffer.Write(Record(0), out var ticket);
        var clock = System.Diagnostics.Stopwatch.StartNew();

        // Nobody writes: the stalled writer of a blocked stdout.
        Assert.False(await buffer.WhenWrittenAsync(ticket).WaitAsync(TimeSpan.FromSeconds(10)));
        Assert.InRange(clock.Elapsed, TimeSpan.FromMilliseconds(250), TimeSpan.FromSeconds(5));
    }
}
