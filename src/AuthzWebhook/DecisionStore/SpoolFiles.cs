using System.Globalization;

namespace AuthzWebhook.DecisionStore;

/// <summary>
/// The spool file and the files beside it (the offset up to which it is stored, a compaction's copy, a stored file set
/// aside), and their way to disk: the file's bytes, and the directory's entries once one of them was created or replaced.
/// </summary>
internal sealed class SpoolFiles(string path)
{
    private int _directoryChanged;
    private int _directorySyncs;

    public string Spool { get; } = path;

    public string Offset { get; } = path + ".offset";

    public string Compacted { get; } = path + ".compact";

    public string Drained { get; } = path + ".drained";

    public string Directory { get; } = Path.GetDirectoryName(Path.GetFullPath(path))!;

    /// <summary>How often the directory was put on disk (for tests and diagnostics).</summary>
    public int DirectorySyncs => Volatile.Read(ref _directorySyncs);

    /// <summary>A read stream that lets the writer go on appending, and the file be replaced or removed, meanwhile.</summary>
    public static FileStream OpenReader(string path) =>
        new(path, FileMode.Open, FileAccess.Read, FileShare.ReadWrite | FileShare.Delete, bufferSize: 0);

    /// <summary>A file here was created or replaced: its name goes to disk with the next sync.</summary>
    public void DirectoryChanged() => Interlocked.Exchange(ref _directoryChanged, 1);

    /// <summary>The saved offset; 0 when there is none or it cannot be read.</summary>
    public long ReadOffset() =>
        File.Exists(Offset) && long.TryParse(File.ReadAllText(Offset), NumberStyles.None, CultureInfo.InvariantCulture, out var offset) ? offset : 0;

    public void WriteOffset(long offset, bool toDisk)
    {
        if (!File.Exists(Offset))
        {
            DirectoryChanged();
        }

        using var file = new FileStream(Offset, FileMode.Create, FileAccess.Write, FileShare.None, bufferSize: 0);
        file.Write(System.Text.Encoding.ASCII.GetBytes(offset.ToString(CultureInfo.InvariantCulture)));
        if (toDisk)
        {
            file.Flush(flushToDisk: true);
        }
    }

    /// <summary>Puts the spool file on disk. Through a handle of its own, so that the writer appending meanwhile is not held up.</summary>
    public void SyncToDisk()
    {
        try
        {
            using var handle = File.OpenHandle(Spool, FileMode.Open, FileAccess.Write, FileShare.ReadWrite | FileShare.Delete);
            RandomAccess.FlushToDisk(handle);
        }
        catch (FileNotFoundException)
        {
            // Everything stored and the file removed: nothing to sync.
        }

        // A synced file can still be missing from its directory after a power loss: the directory is synced too once
        // the file was created or replaced, or the offset file created. Here, off the request path, like the file's
        // own sync; a removal needs none (a removed file that comes back is only sent again).
        if (Interlocked.Exchange(ref _directoryChanged, 0) == 1)
        {
            try
            {
                if (DirectorySync.Sync(Directory))
                {
                    Interlocked.Increment(ref _directorySyncs);
                }
            }
            catch (IOException)
            {
                // Tried again at the next sync.
                DirectoryChanged();
                throw;
            }
        }
    }

    /// <summary>At shutdown: the directory, if it changed since the last sync, as far as it goes.</summary>
    public void SyncDirectoryQuietly()
    {
        if (Interlocked.Exchange(ref _directoryChanged, 0) == 1)
        {
            try
            {
                DirectorySync.Sync(Directory);
            }
            catch (IOException)
            {
                // Shutting down: the file itself is on disk; at worst a power loss now brings back the previous entry.
            }
        }
    }

    public static void DeleteQuietly(string path)
    {
        try
        {
            File.Delete(path);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            // Removed at the next start.
        }
    }
}
