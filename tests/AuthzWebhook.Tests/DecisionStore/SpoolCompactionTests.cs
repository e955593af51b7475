using AuthzWebhook.DecisionStore;

namespace AuthzWebhook.Tests.DecisionStore;

/// <summary>Compaction keeps exactly the lines not yet stored, resets the offset, and the writer goes on in the new file.</summary>
public sealed class SpoolCompactionTests : IDisposable
{
    private readonly string _directory = Directory.CreateTempSubdirectory("authz-spool-compaction-").FullName;

    [Fact]
    public void The_file_keeps_only_what_follows_the_stored_lines_and_appends_continue_after_them()
    {
        var files = new SpoolFiles(Path.Combine(_directory, "decisions.spool"));
        var records = SpoolRecords.Make(6);
        using var appender = new SpoolAppender(files.Spool, 0, SpoolAppender.Open);
        foreach (var record in records.Take(5))
        {
            appender.Stage(record);
        }

        appender.Write(out _);
        var stored = records.Take(3).Sum(r => (long)r.Line.Length + SpoolLine.Overhead);

        SpoolCompaction.Run(files, appender, new Lock(), stored, SpoolFiles.OpenReader);
        appender.Stage(records[5]);
        appender.Write(out _);

        Assert.Equal("0", File.ReadAllText(files.Offset));
        Assert.False(File.Exists(files.Compacted));
        Assert.Equal(new FileInfo(files.Spool).Length, appender.Committed);
        using var file = SpoolFiles.OpenReader(files.Spool);
        var read = SpoolReader.Read(file, 0, appender.Committed, max: 10);
        Assert.Equal(records.Skip(3).Select(r => r.Record.DecisionId), read.Records.Select(r => r.Record.DecisionId));
    }

    public void Dispose() => Directory.Delete(_directory, recursive: true);
}
