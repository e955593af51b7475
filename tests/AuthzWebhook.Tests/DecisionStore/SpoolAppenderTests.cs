using AuthzWebhook.DecisionStore;

namespace AuthzWebhook.Tests.DecisionStore;

/// <summary>Staged lines reach the file in one write, and a write the disk cannot take leaves the file ending with a whole line.</summary>
public sealed class SpoolAppenderTests : IDisposable
{
    private readonly string _directory = Directory.CreateTempSubdirectory("authz-spool-appender-").FullName;

    private string Path => System.IO.Path.Combine(_directory, "decisions.spool");

    [Fact]
    public void Staged_lines_are_written_together_and_committed_moves_past_them()
    {
        var records = SpoolRecords.Make(3);
        using var appender = new SpoolAppender(Path, 0, SpoolAppender.Open);
        foreach (var record in records)
        {
            appender.Stage(record);
        }

        Assert.False(File.Exists(Path), "nothing is written before Write");
        Assert.Equal(3, appender.Write(out var opened));
        Assert.True(opened, "the first write opens (creates) the file");
        Assert.Equal(0, appender.Write(out opened));
        Assert.False(opened);

        Assert.Equal(new FileInfo(Path).Length, appender.Committed);
        Assert.Equal(records.Sum(r => r.Line.Length + SpoolLine.Overhead), appender.Committed);
    }

    [Fact]
    public void A_write_the_disk_cannot_take_is_cut_off_and_the_next_one_follows_the_last_whole_line()
    {
        var disk = new FullDisk();
        var records = SpoolRecords.Make(3);
        using var appender = new SpoolAppender(Path, 0, disk.Open);
        appender.Stage(records[0]);
        appender.Write(out _);
        var whole = appender.Committed;

        disk.Full = true;
        appender.Stage(records[1]);
        Assert.Throws<IOException>(() => appender.Write(out _));
        Assert.Equal(whole, appender.Committed);
        Assert.Equal(whole, new FileInfo(Path).Length);

        disk.Full = false;
        appender.Stage(records[2]);
        Assert.Equal(1, appender.Write(out var reopened));
        Assert.True(reopened, "the failed stream was dropped");

        using var file = SpoolFiles.OpenReader(Path);
        var read = SpoolReader.Read(file, 0, appender.Committed, max: 10);
        Assert.Equal(0, read.Unreadable);
        Assert.Equal([records[0].Record.DecisionId, records[2].Record.DecisionId], read.Records.Select(r => r.Record.DecisionId));
    }

    [Fact]
    public void Bytes_a_failed_cut_left_past_the_last_whole_line_are_removed_before_the_next_line()
    {
        var records = SpoolRecords.Make(2);
        using (var first = new SpoolAppender(Path, 0, SpoolAppender.Open))
        {
            first.Stage(records[0]);
            first.Write(out _);
        }

        var whole = new FileInfo(Path).Length;
        File.AppendAllText(Path, "0123456789abcdef0123456789abcdef\t{\"torn");
        using var appender = new SpoolAppender(Path, whole, SpoolAppender.Open);
        appender.Stage(records[1]);
        appender.Write(out _);

        Assert.Equal(whole + records[1].Line.Length + SpoolLine.Overhead, new FileInfo(Path).Length);
    }

    public void Dispose() => Directory.Delete(_directory, recursive: true);
}
