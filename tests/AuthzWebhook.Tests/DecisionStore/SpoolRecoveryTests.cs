using AuthzWebhook.DecisionStore;

namespace AuthzWebhook.Tests.DecisionStore;

/// <summary>What a killed or crashed process left is taken over so that nothing waiting is skipped and no line is glued to another.</summary>
public sealed class SpoolRecoveryTests : IDisposable
{
    private readonly string _directory = Directory.CreateTempSubdirectory("authz-spool-recovery-").FullName;

    private SpoolFiles Files => new(Path.Combine(_directory, "decisions.spool"));

    [Fact]
    public void No_spool_means_nothing_waits()
    {
        Assert.Equal((0L, 0L, 0L), SpoolRecovery.Recover(Files));
    }

    [Fact]
    public void Delivery_resumes_at_the_saved_offset_and_counts_the_lines_after_it()
    {
        var lines = Lines(SpoolRecords.Make(5));
        File.WriteAllText(Files.Spool, string.Concat(lines));
        var offset = lines.Take(2).Sum(l => l.Length);
        File.WriteAllText(Files.Offset, offset.ToString(System.Globalization.CultureInfo.InvariantCulture));

        var (delivered, committed, pending) = SpoolRecovery.Recover(Files);

        Assert.Equal(offset, delivered);
        Assert.Equal(new FileInfo(Files.Spool).Length, committed);
        Assert.Equal(3, pending);
    }

    [Fact]
    public void A_torn_last_line_is_ended_so_that_the_next_record_starts_a_line_of_its_own()
    {
        var lines = Lines(SpoolRecords.Make(1));
        File.WriteAllText(Files.Spool, lines[0] + "0123456789abcdef0123456789abcdef\t{\"torn");

        var (_, committed, pending) = SpoolRecovery.Recover(Files);

        Assert.EndsWith("\n", File.ReadAllText(Files.Spool), StringComparison.Ordinal);
        Assert.Equal(new FileInfo(Files.Spool).Length, committed);
        Assert.Equal(2, pending);
    }

    [Theory]
    [InlineData(5)]
    [InlineData(1_000_000)]
    public void An_offset_that_is_not_at_a_line_end_of_this_file_is_dropped_and_everything_sent_again(long offset)
    {
        File.WriteAllText(Files.Spool, string.Concat(Lines(SpoolRecords.Make(2))));
        File.WriteAllText(Files.Offset, offset.ToString(System.Globalization.CultureInfo.InvariantCulture));

        var (delivered, _, pending) = SpoolRecovery.Recover(Files);

        Assert.Equal(0, delivered);
        Assert.Equal(2, pending);
        Assert.False(File.Exists(Files.Offset));
    }

    [Fact]
    public void What_a_crash_left_of_a_compaction_or_of_a_stored_file_is_removed()
    {
        File.WriteAllText(Files.Compacted, "partial copy");
        File.WriteAllText(Files.Drained, "all stored");

        SpoolRecovery.Recover(Files);

        Assert.False(File.Exists(Files.Compacted));
        Assert.False(File.Exists(Files.Drained));
    }

    public void Dispose() => Directory.Delete(_directory, recursive: true);

    private static List<string> Lines(IEnumerable<PendingDecision> records) =>
        [.. records.Select(r => r.Run.ToString("N") + "\t" + System.Text.Encoding.UTF8.GetString(r.Line) + "\n")];
}
