using AuthzWebhook.DecisionStore;

namespace AuthzWebhook.Tests.DecisionStore;

/// <summary>Lines come back whole and in order, never past the last whole line, however long they are.</summary>
public sealed class SpoolReaderTests : IDisposable
{
    private readonly string _directory = Directory.CreateTempSubdirectory("authz-spool-reader-").FullName;

    private string Path => System.IO.Path.Combine(_directory, "decisions.spool");

    [Fact]
    public void It_reads_at_most_the_lines_asked_for_and_returns_the_offset_after_them()
    {
        var records = SpoolRecords.Make(5);
        var length = Write(records);
        using var file = SpoolFiles.OpenReader(Path);

        var first = SpoolReader.Read(file, 0, length, max: 2);
        var rest = SpoolReader.Read(file, first.End, length, max: 10);

        Assert.Equal(Ids(records.Take(2)), Ids(first.Records));
        Assert.Equal(2, first.Lines);
        Assert.Equal(Ids(records.Skip(2)), Ids(rest.Records));
        Assert.Equal(length, rest.End);
    }

    [Fact]
    public void Bytes_past_the_limit_are_not_read_even_when_they_complete_a_line()
    {
        var records = SpoolRecords.Make(3);
        var length = Write(records);
        var limit = length - records[2].Line.Length - SpoolLine.Overhead;
        using var file = SpoolFiles.OpenReader(Path);

        var read = SpoolReader.Read(file, 0, limit, max: 10);

        Assert.Equal(Ids(records.Take(2)), Ids(read.Records));
        Assert.Equal(limit, read.End);
    }

    [Fact]
    public void A_line_longer_than_the_read_buffer_comes_back_whole()
    {
        var records = SpoolRecords.Make(3, reason: new string('r', 200_000));
        var length = Write(records);
        using var file = SpoolFiles.OpenReader(Path);

        var read = SpoolReader.Read(file, 0, length, max: 10);

        Assert.Equal(0, read.Unreadable);
        Assert.Equal(Ids(records), Ids(read.Records));
        Assert.Equal(records[1].Line, read.Records[1].Line);
    }

    [Fact]
    public void A_line_that_is_not_a_record_is_counted_and_passed_over()
    {
        var records = SpoolRecords.Make(2);
        Write(records.Take(1));
        File.AppendAllText(Path, "damaged\n");
        var length = Write(records.Skip(1));
        using var file = SpoolFiles.OpenReader(Path);

        var read = SpoolReader.Read(file, 0, length, max: 10);

        Assert.Equal(3, read.Lines);
        Assert.Equal(1, read.Unreadable);
        Assert.Equal(Ids(records), Ids(read.Records));
    }

    public void Dispose() => Directory.Delete(_directory, recursive: true);

    /// <summary>Appends the records' lines and returns the file's length.</summary>
    private long Write(IEnumerable<PendingDecision> records)
    {
        using var file = new FileStream(Path, FileMode.Append, FileAccess.Write);
        foreach (var record in records)
        {
            file.Write(SpoolLine.Prefix(record.Run));
            file.Write(record.Line);
            file.WriteByte((byte)'\n');
        }

        return file.Length;
    }

    private static IEnumerable<Guid> Ids(IEnumerable<PendingDecision> records) => records.Select(r => r.Record.DecisionId);
}
