using AuthzWebhook.Decisions;
using AuthzWebhook.Observability;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;

namespace AuthzWebhook.Tests.Decisions;

/// <summary>The request path hands records over without ever waiting for the writer (a slow stdout).</summary>
public sealed class DecisionLogTests
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
        var log = new DecisionLog(Options.Create(new DecisionLogOptions { Capacity = 1024 }), new AuthzMetrics(services.GetRequiredService<System.Diagnostics.Metrics.IMeterFactory>()));

        // Nobody reads: the writer is as stuck as a blocked stdout. A blocking Write would never finish.
        var writing = Task.Run(() =>
        {
            for (var i = 0; i < 1024 + 10; i++)
            {
                log.Write(Record(i));
            }
        });

        await writing.WaitAsync(TimeSpan.FromSeconds(30));
        Assert.Equal(1024, log.Backlog);
        Assert.Equal(10, log.Dropped);
    }

    [Fact]
    public void Buffered_records_are_read_in_the_order_they_were_written()
    {
        using var services = new ServiceCollection().AddMetrics().BuildServiceProvider();
        var log = new DecisionLog(Options.Create(new DecisionLogOptions { Capacity = 1024 }), new AuthzMetrics(services.GetRequiredService<System.Diagnostics.Metrics.IMeterFactory>()));
        for (var i = 0; i < 5; i++)
        {
            log.Write(Record(i));
        }

        log.Complete();

        var reasons = new List<string>();
        while (log.Reader.TryRead(out var record))
        {
            reasons.Add(record.Reason);
        }

        Assert.Equal(["decision 0", "decision 1", "decision 2", "decision 3", "decision 4"], reasons);
        Assert.True(log.Reader.Completion.IsCompleted);
    }
}
