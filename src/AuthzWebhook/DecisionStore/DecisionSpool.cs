namespace AuthzWebhook.DecisionStore;

/// <summary>
/// An append-only file of every record on its way to Postgres (<see cref="SpoolLine"/>), and beside it the offset up to
/// which they are stored; it survives a restart, and a batch sent twice after a crash is stored once. The record writer
/// appends; the delivering thread reads, acknowledges and compacts. How the two share it: docs/decision-log.md.
/// </summary>
internal sealed class DecisionSpool : IDisposable
{
    /// <summary>A stored prefix this long is cut off the file, once what follows it is short enough to copy cheaply.</summary>
    public const long CompactAfter = 64L * 1024 * 1024;

    private readonly SpoolFiles _files;
    private readonly SpoolAppender _appender;
    private readonly long _compactAfter;
    private readonly Func<string, FileStream> _openReader;
    private FollowUp _followUp;

    // Where the stored lines end; moved by the delivering thread only.
    private long _delivered;

    public DecisionSpool(string path, long compactAfter = CompactAfter)
        : this(path, compactAfter, SpoolAppender.Open)
    {
    }

    /// <summary>
    /// With the append stream opened by <paramref name="openAppender"/> (tests use one that fails like a full disk) and
    /// the streams that read the file back by <paramref name="openReader"/> (tests use one that pauses).
    /// </summary>
    internal DecisionSpool(string path, long compactAfter, Func<string, FileStream> openAppender, Func<string, FileStream>? openReader = null)
    {
        _files = new SpoolFiles(path);
        _compactAfter = compactAfter;
        _openReader = openReader ?? SpoolFiles.OpenReader;
        Directory.CreateDirectory(_files.Directory);
        var (delivered, committed, pending) = SpoolRecovery.Recover(_files);
        _delivered = delivered;
        _appender = new SpoolAppender(path, committed, openAppender);
        Pending = pending;
    }

    /// <summary>Guards the state shared by the two threads; <see cref="DecisionStoreQueue"/> keeps its memory copy under it too.</summary>
    public Lock Gate { get; } = new();

    /// <summary>Records in the file not yet stored (under the gate).</summary>
    public long Pending { get; private set; }

    /// <summary>How often the spool's directory was put on disk (for tests and diagnostics).</summary>
    public int DirectorySyncs => _files.DirectorySyncs;

    /// <summary>Collects the record's line for the next <see cref="Flush"/>; by the writer thread only.</summary>
    public void Append(PendingDecision record) => _appender.Stage(record);

    /// <summary>
    /// Writes the collected lines in one piece and hands them to the operating system: a killed process loses none of
    /// them from here on. If the write fails, the file is cut back to where it ended, the lines are dropped, and the
    /// exception is passed on: the caller answers for those records. Under the gate.
    /// </summary>
    public void Flush()
    {
        var opened = false;
        try
        {
            Pending += _appender.Write(out opened);
        }
        finally
        {
            if (opened)
            {
                // Perhaps created just now (the file starts afresh once drained).
                _files.DirectoryChanged();
            }
        }
    }

    /// <summary>Puts the file, and its directory once an entry changed, on disk; about once a second, off the request path.</summary>
    public void SyncToDisk() => _files.SyncToDisk();

    /// <summary>The file offset just after <paramref name="records"/>, the oldest not yet stored.</summary>
    public long EndOf(IReadOnlyList<PendingDecision> records)
    {
        var end = _delivered;
        foreach (var record in records)
        {
            end += record.Line.Length + SpoolLine.Overhead;
        }

        return end;
    }

    /// <summary>Up to <paramref name="max"/> lines after the stored ones; by the delivering thread, without the gate.</summary>
    public SpoolRead Read(int max)
    {
        long from, limit;
        lock (Gate)
        {
            from = _delivered;
            limit = _appender.Committed;
        }

        if (from >= limit)
        {
            return new SpoolRead([], from, 0, 0);
        }

        using var file = _openReader(_files.Spool);
        return SpoolReader.Read(file, from, limit, max);
    }

    /// <summary>
    /// Everything before <paramref name="end"/> is stored; once all is, the file starts afresh. Under the gate, by the
    /// delivering thread, which then calls <see cref="Settle"/> without it for the file work this leaves.
    /// </summary>
    public void Acknowledge(long end, int lines)
    {
        _delivered = end;
        Pending = Math.Max(0, Pending - lines);
        if (_delivered >= _appender.Committed)
        {
            // Under the gate, so that no append goes into the file being removed. Closed first: an append stream left
            // open would go on writing into the removed file. The offset goes first: a crash between the two must not
            // leave an offset for a file that is no longer there. No sync to disk: everything in the file is stored.
            // Set aside by a rename rather than deleted here: unlinking a large file (what a long outage left) can take
            // long enough to hold up the writer, and every review in its batch; Settle deletes it without the gate.
            _appender.Close(toDisk: false);
            File.Delete(_files.Offset);
            if (File.Exists(_files.Spool))
            {
                File.Move(_files.Spool, _files.Drained, overwrite: true);
            }

            _appender.Restart();
            _delivered = 0;
            Pending = 0;
            _followUp = FollowUp.DeleteDrained;
            return;
        }

        _followUp = _delivered >= _compactAfter && _appender.Committed - _delivered <= _compactAfter / 8 ? FollowUp.Compact : FollowUp.SaveOffset;
    }

    /// <summary>
    /// Saves the offset <see cref="Acknowledge"/> moved, compacts the file, or deletes the stored file it set aside; by
    /// the delivering thread, without the gate. Returns what failed, if anything: the records are stored by then, so a
    /// failure here (a full disk) must not be taken for a failure to store them, and the spool stays usable.
    /// </summary>
    public Exception? Settle()
    {
        var followUp = _followUp;
        _followUp = FollowUp.None;
        try
        {
            switch (followUp)
            {
                case FollowUp.SaveOffset:
                    // Only this thread writes the offset or removes the file, so it is the offset of the file that is there.
                    _files.WriteOffset(_delivered, toDisk: false);
                    break;
                case FollowUp.Compact:
                    SpoolCompaction.Run(_files, _appender, Gate, _delivered, _openReader);
                    _delivered = 0;
                    // The new file, and its name in the directory, on disk now rather than at the next periodic sync.
                    _files.SyncToDisk();
                    break;
                case FollowUp.DeleteDrained:
                    File.Delete(_files.Drained);
                    break;
                case FollowUp.None:
                    break;
            }

            return null;
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            if (followUp == FollowUp.Compact)
            {
                // The file is as it was, or already replaced: either way _delivered is its offset. The partial copy goes
                // now rather than at the next start, so that it does not hold the space; the next acknowledgement
                // compacts again.
                SpoolFiles.DeleteQuietly(_files.Compacted);
                try
                {
                    _files.WriteOffset(_delivered, toDisk: false);
                }
                catch (Exception offsetFailure) when (offsetFailure is IOException or UnauthorizedAccessException)
                {
                    // An offset that cannot be read at the next start means sending the file again, which the store ignores.
                }
            }

            return ex;
        }
    }

    public void Dispose()
    {
        _appender.Dispose();
        _files.SyncDirectoryQuietly();
    }

    private enum FollowUp
    {
        None,
        SaveOffset,
        DeleteDrained,
        Compact,
    }
}
