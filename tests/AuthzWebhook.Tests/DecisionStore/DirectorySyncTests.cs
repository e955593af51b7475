using AuthzWebhook.DecisionStore;

namespace AuthzWebhook.Tests.DecisionStore;

/// <summary>The spool's directory entries reach the disk, not only the file's bytes: after creating and after replacing the file.</summary>
public sealed class DirectorySyncTests : IDisposable
{
    private readonly string _directory = Directory.CreateTempSubdirectory("authz-dirsync-").FullName;

    private string SpoolPath => Path.Combine(_directory, "decisions.spool");

    [Fact]
    public void A_real_directory_is_synced_on_Linux()
    {
        Assert.Equal(OperatingSystem.IsLinux(), DirectorySync.Sync(_directory));
    }

    [Fact]
    public void A_directory_that_does_not_exist_is_an_error_not_a_silent_success()
    {
        if (!OperatingSystem.IsLinux())
        {
            return; // directories are synced on Linux only
        }

        Assert.Throws<IOException>(() => DirectorySync.Sync(Path.Combine(_directory, "missing")));
    }

    [Fact]
    public void The_directory_is_synced_once_after_the_spool_is_created_and_at_once_after_it_is_compacted()
    {
        if (!OperatingSystem.IsLinux())
        {
            return; // directories are synced on Linux only
        }

        var records = SpoolRecords.Make(20);
        using var spool = new DecisionSpool(SpoolPath, compactAfter: records.Take(16).Sum(r => r.Line.Length + 34L));
        spool.SyncToDisk();
        Assert.Equal(0, spool.DirectorySyncs);

        foreach (var record in records.Take(18))
        {
            spool.Append(record);
        }

        spool.Flush();
        spool.SyncToDisk();
        Assert.Equal(1, spool.DirectorySyncs);
        spool.SyncToDisk();
        Assert.Equal(1, spool.DirectorySyncs);

        // 17 of 18 stored: the file is compacted (renamed over) and its directory synced as part of it.
        var (read, end, lines, _) = spool.Read(17);
        Assert.Equal(17, read.Count);
        lock (spool.Gate)
        {
            spool.Acknowledge(end, lines);
        }

        spool.Settle();
        Assert.Equal(2, spool.DirectorySyncs);
        Assert.Equal(records[17].Line.Length + 34L, new FileInfo(SpoolPath).Length);
    }

    public void Dispose() => Directory.Delete(_directory, recursive: true);
}
