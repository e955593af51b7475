using System.Buffers;
using System.Buffers.Text;
using System.Globalization;
using System.Text.Json;
using AuthzWebhook.Hosting;

namespace AuthzWebhook.DecisionStore;

/// <summary>
/// An append-only file of every record on its way to Postgres, one <c>run TAB record-json</c> line each, and beside it
/// the offset up to which they have been stored. It survives a restart; a crash between storing a batch and saving
/// the offset only makes a batch be sent twice, which the store ignores (records are keyed by decision id).
/// Appends are collected and handed to the operating system by <see cref="Flush"/> in one write, once per batch the
/// writer handles (enough for a killed process), and put on disk by <see cref="SyncToDisk"/> about once a second, off
/// the request path (for a lost machine). A write that fails (disk full) is cut off again, so the file always ends
/// with a whole line and the next batch never continues a torn one. The file starts afresh whenever everything in it
/// is stored, and is compacted when a long stored prefix has built up under steady load.
/// <para>
/// Two threads use it. The record writer appends (<see cref="Append"/> alone, <see cref="Flush"/> under
/// <see cref="Gate"/>). The delivering thread reads, acknowledges and compacts, and is the only one that moves the
/// delivered offset, deletes the file or replaces it. So the bytes between the delivered offset and the last whole
/// line (<c>_committed</c>, which only grows under the gate, except when the delivering thread itself resets it) never
/// change under the delivering thread's feet: it reads them, and copies them for compaction, without the gate, and the
/// writer never waits on that file work. The gate is held only for bookkeeping and for the short steps that must not
/// interleave with an append (removing the file, switching to the compacted copy).
/// </para>
/// </summary>
internal sealed class DecisionSpool : IDisposable
{
    /// <summary>Bytes a line takes beside the record's own: the run in 32 hex digits, a tab and the line end.</summary>
    private const int LineOverhead = 34;

    /// <summary>A stored prefix this long is cut off the file, once what follows it is short enough to copy cheaply.</summary>
    public const long CompactAfter = 64L * 1024 * 1024;

    private readonly string _path;
    private readonly string _offsetPath;
    private readonly long _compactAfter;
    private readonly string _compactPath;
    private readonly string _drainedPath;
    private readonly Func<string, FileStream> _openAppender;
    private readonly Func<string, FileStream> _openReader;
    private readonly string _directory;
    private FollowUp _followUp;
    private int _directoryChanged;
    private int _directorySyncs;
    private readonly ArrayBufferWriter<byte> _staged = new(256 * 1024);
    private int _stagedCount;
    private long _delivered;

    // The end of the last whole line: what Flush has written in full. The file is never read past it, and cut back
    // to it after a failed write.
    private long _committed;
    private FileStream? _appender;
    private Guid _prefixRun;
    private byte[] _prefix = [];

    public DecisionSpool(string path, long compactAfter = CompactAfter)
        : this(path, compactAfter, OpenAppender)
    {
    }

    /// <summary>
    /// With the append stream opened by <paramref name="openAppender"/> (tests use one that fails like a full disk) and
    /// the streams that read the file back by <paramref name="openReader"/> (tests use one that pauses).
    /// </summary>
    internal DecisionSpool(string path, long compactAfter, Func<string, FileStream> openAppender, Func<string, FileStream>? openReader = null)
    {
        _path = path;
        _compactAfter = compactAfter;
        _openAppender = openAppender;
        _openReader = openReader ?? OpenReader;
        _offsetPath = path + ".offset";
        _compactPath = path + ".compact";
        _drainedPath = path + ".drained";
        _directory = Path.GetDirectoryName(Path.GetFullPath(path))!;
        Directory.CreateDirectory(_directory);
        // Left by a crash during compaction before the copy replaced the file: the file and its offset are intact.
        File.Delete(_compactPath);
        // Left by a crash after a fully stored file was set aside and before it was deleted: nothing in it is needed.
        File.Delete(_drainedPath);
        _delivered = File.Exists(_offsetPath) && long.TryParse(File.ReadAllText(_offsetPath), NumberStyles.None, CultureInfo.InvariantCulture, out var offset) ? offset : 0;
        TerminateTornLine();
        if (!OffsetFitsFile())
        {
            // An offset left from another file (a crash between deleting the two, or a spool that lost its last second
            // with the machine): send everything again rather than skip a record; the store ignores what it has.
            _delivered = 0;
            File.Delete(_offsetPath);
        }

        _committed = File.Exists(_path) ? new FileInfo(_path).Length : 0;
        Pending = CountPending();
    }

    /// <summary>Guards the state shared by the two threads; <see cref="DecisionStoreQueue"/> keeps its memory copy under it too.</summary>
    public Lock Gate { get; } = new();

    /// <summary>Records in the file not yet stored (under the gate).</summary>
    public long Pending { get; private set; }

    /// <summary>Collects the record's line for the next <see cref="Flush"/>; by the writer thread only.</summary>
    public void Append(PendingDecision record)
    {
        if (record.Run != _prefixRun)
        {
            // One run per process: its prefix is formatted once, not once per record.
            _prefixRun = record.Run;
            _prefix = System.Text.Encoding.ASCII.GetBytes(record.Run.ToString("N") + "\t");
        }

        _staged.Write(_prefix);
        _staged.Write(record.Line);
        _staged.Write("\n"u8);
        _stagedCount++;
    }

    /// <summary>
    /// Writes the collected lines in one piece and hands them to the operating system: a killed process loses none of
    /// them from here on. If the write fails, the file is cut back to where it ended, the lines are dropped, and the
    /// exception is passed on: the caller answers for those records.
    /// </summary>
    public void Flush()
    {
        if (_stagedCount == 0)
        {
            return;
        }

        try
        {
            if (_appender is null)
            {
                _appender = _openAppender(_path);
                // Perhaps created just now (the file starts afresh once drained): its name goes to disk with the next sync.
                Interlocked.Exchange(ref _directoryChanged, 1);
                // Whatever a failed write left past the last whole line goes before anything is added.
                if (_appender.Length > _committed)
                {
                    _appender.SetLength(_committed);
                }

                _appender.Position = _committed;
            }

            _appender.Write(_staged.WrittenSpan);
            _committed += _staged.WrittenCount;
            Pending += _stagedCount;
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            CutBack();
            throw;
        }
        finally
        {
            _staged.ResetWrittenCount();
            _stagedCount = 0;
        }
    }

    /// <summary>
    /// After a failed write: the torn part is cut off, so that the file ends with a whole line. If even that fails,
    /// the stream is dropped all the same and the next <see cref="Flush"/> cuts the file back when it opens it again.
    /// </summary>
    private void CutBack()
    {
        var appender = _appender;
        _appender = null;
        if (appender is null)
        {
            return;
        }

        try
        {
            appender.SetLength(_committed);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
        }
        finally
        {
            DisposeQuietly(appender);
        }
    }

    private static void DisposeQuietly(FileStream stream)
    {
        try
        {
            stream.Dispose();
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            // Unbuffered: nothing of ours is lost with it.
        }
    }

    private static FileStream OpenReader(string path) =>
        new(path, FileMode.Open, FileAccess.Read, FileShare.ReadWrite | FileShare.Delete, bufferSize: 0);

    private static FileStream OpenAppender(string path) =>
        // Unbuffered: the lines are collected in Append and written by Flush in one call, so a failed write can be
        // cut off again; a stream buffer would hold bytes that a later flush might still push after the cut.
        new(path, FileMode.OpenOrCreate, FileAccess.Write, FileShare.ReadWrite | FileShare.Delete, bufferSize: 0);

    /// <summary>Puts the file on disk. Through a handle of its own, so that the writer appending meanwhile is not held up.</summary>
    public void SyncToDisk()
    {
        try
        {
            using var handle = File.OpenHandle(_path, FileMode.Open, FileAccess.Write, FileShare.ReadWrite | FileShare.Delete);
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
                if (DirectorySync.Sync(_directory))
                {
                    Interlocked.Increment(ref _directorySyncs);
                }
            }
            catch (IOException)
            {
                // Tried again at the next sync.
                Interlocked.Exchange(ref _directoryChanged, 1);
                throw;
            }
        }
    }

    /// <summary>How often the spool's directory was put on disk (for tests and diagnostics).</summary>
    public int DirectorySyncs => Volatile.Read(ref _directorySyncs);

    /// <summary>The file offset just after <paramref name="records"/>, the oldest not yet stored.</summary>
    public long EndOf(IReadOnlyList<PendingDecision> records)
    {
        var end = _delivered;
        foreach (var record in records)
        {
            end += record.Line.Length + LineOverhead;
        }

        return end;
    }

    public void Dispose()
    {
        CloseAppender(toDisk: true);
        if (Interlocked.Exchange(ref _directoryChanged, 0) == 1)
        {
            try
            {
                DirectorySync.Sync(_directory);
            }
            catch (IOException)
            {
                // Shutting down: the file itself is on disk; at worst a power loss now brings back the previous entry.
            }
        }
    }

    /// <summary>Closes the append stream (which holds nothing unwritten); to disk only when what it wrote must outlive the machine.</summary>
    private void CloseAppender(bool toDisk)
    {
        if (_appender is not null)
        {
            if (toDisk)
            {
                _appender.Flush(flushToDisk: true);
            }

            _appender.Dispose();
            _appender = null;
        }
    }

    /// <summary>
    /// Up to <paramref name="max"/> lines from the delivered offset on, no further than the last whole line: the
    /// records they hold, the offset after them, how many lines they were and how many of those could not be read back
    /// (torn by a crash, or damaged): such a line is passed over and counted, never glued to the next. By the delivering
    /// thread, without the gate (see the class summary): the writer appends meanwhile.
    /// </summary>
    public (List<PendingDecision> Records, long End, int Lines, int Unreadable) Read(int max)
    {
        var records = new List<PendingDecision>();
        long end, limit;
        lock (Gate)
        {
            end = _delivered;
            limit = _committed;
        }

        int lines = 0, unreadable = 0;
        if (end >= limit)
        {
            return (records, end, 0, 0);
        }

        using var file = _openReader(_path);
        file.Seek(end, SeekOrigin.Begin);
        var buffer = ArrayPool<byte>.Shared.Rent(64 * 1024);
        try
        {
            // buffer[start..filled) holds bytes read from the file and not yet taken; `read` is the file offset of `filled`.
            int start = 0, filled = 0;
            var read = end;
            while (lines < max)
            {
                var newline = buffer.AsSpan(start, filled - start).IndexOf((byte)'\n');
                if (newline >= 0)
                {
                    var line = buffer.AsSpan(start, newline);
                    start += newline + 1;
                    end += newline + 1;
                    lines++;
                    if (Parse(line) is { } record)
                    {
                        records.Add(record);
                    }
                    else
                    {
                        unreadable++;
                    }

                    continue;
                }

                if (read >= limit)
                {
                    // Nothing unread below the last whole line (a line is never left open below it).
                    break;
                }

                // Keep the partial line, make room (a long line grows the buffer), read on.
                buffer.AsSpan(start, filled - start).CopyTo(buffer);
                filled -= start;
                start = 0;
                if (filled == buffer.Length)
                {
                    var larger = ArrayPool<byte>.Shared.Rent(buffer.Length * 2);
                    buffer.AsSpan(0, filled).CopyTo(larger);
                    ArrayPool<byte>.Shared.Return(buffer);
                    buffer = larger;
                }

                var got = file.Read(buffer, filled, (int)Math.Min(buffer.Length - filled, limit - read));
                if (got == 0)
                {
                    break;
                }

                filled += got;
                read += got;
            }
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(buffer);
        }

        return (records, end, lines, unreadable);
    }

    /// <summary>
    /// Everything before <paramref name="end"/> is stored; once all is, the file starts afresh. Under the gate, by the
    /// delivering thread, which then calls <see cref="Settle"/> without it for the file work this leaves.
    /// </summary>
    public void Acknowledge(long end, int lines)
    {
        _delivered = end;
        Pending = Math.Max(0, Pending - lines);
        if (_delivered >= _committed)
        {
            // Under the gate, so that no append goes into the file being removed. Closed first: an append stream left
            // open would go on writing into the removed file. The offset goes first: a crash between the two must not
            // leave an offset for a file that is no longer there. No sync to disk: everything in the file is stored.
            // Set aside by a rename rather than deleted here: unlinking a large file (what a long outage left) can take
            // long enough to hold up the writer, and every review in its batch; Settle deletes it without the gate.
            CloseAppender(toDisk: false);
            File.Delete(_offsetPath);
            if (File.Exists(_path))
            {
                File.Move(_path, _drainedPath, overwrite: true);
            }

            _delivered = 0;
            _committed = 0;
            Pending = 0;
            _followUp = FollowUp.DeleteDrained;
            return;
        }

        _followUp = _delivered >= _compactAfter && _committed - _delivered <= _compactAfter / 8 ? FollowUp.Compact : FollowUp.SaveOffset;
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
                    WriteOffset(_delivered, toDisk: false);
                    break;
                case FollowUp.Compact:
                    Compact();
                    break;
                case FollowUp.DeleteDrained:
                    File.Delete(_drainedPath);
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
                // The file is as it was, or already replaced (see Compact): either way _delivered is its offset. The
                // partial copy goes now rather than at the next start, so that it does not hold the space; the next
                // acknowledgement compacts again.
                DeleteQuietly(_compactPath);
                try
                {
                    WriteOffset(_delivered, toDisk: false);
                }
                catch (Exception offsetFailure) when (offsetFailure is IOException or UnauthorizedAccessException)
                {
                    // An offset that cannot be read at the next start means sending the file again, which the store ignores.
                }
            }

            return ex;
        }
    }

    private static void DeleteQuietly(string path)
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

    /// <summary>
    /// Replaces the file with what is not yet stored, while the writer goes on appending. The copy is made without the
    /// gate; only the last few lines appended meanwhile, and the switch, are done under it. A crash at any step leaves
    /// a file and offset that agree:
    /// <list type="number">
    /// <item>during the copy: the file and its offset are untouched; the partial copy is removed at the next start;</item>
    /// <item>after the offset is reset, before the rename: the old file is sent again from its start, which the store
    /// ignores (records keyed by decision id); the copy is on disk before the reset, and the reset before the rename, so
    /// after a lost machine too the offset never points into the wrong file;</item>
    /// <item>after the rename: the new file from its start.</item>
    /// </list>
    /// The lines copied under the gate are on disk once the file is synced right after the switch; until then they
    /// are as exposed to a lost machine as any append before the next sync.
    /// </summary>
    private void Compact()
    {
        // Only this thread moves the delivered offset or replaces the file; the writer only appends past _committed.
        var from = _delivered;
        long bulk;
        lock (Gate)
        {
            bulk = _committed;
        }

        using (var source = _openReader(_path))
        using (var target = new FileStream(_compactPath, FileMode.Create, FileAccess.Write, FileShare.None, bufferSize: 0))
        {
            // The bulk without the gate, then, still without it, what was appended meanwhile, so that little is left.
            Copy(source, target, from, bulk);
            long caughtUp;
            lock (Gate)
            {
                caughtUp = _committed;
            }

            Copy(source, target, bulk, caughtUp);
            target.Flush(flushToDisk: true);
            WriteOffset(0, toDisk: true);
            lock (Gate)
            {
                // No append can fall between the last copy and the switch. The writer's stream on the old file is
                // closed; its next Flush opens the new one.
                Copy(source, target, caughtUp, _committed);
                CloseAppender(toDisk: false);
                File.Move(_compactPath, _path, overwrite: true);
                _committed -= from;
                _delivered = 0;
                Interlocked.Exchange(ref _directoryChanged, 1);
            }
        }

        // The new file, and its name in the directory, on disk now rather than at the next periodic sync.
        SyncToDisk();
    }

    private static void Copy(FileStream source, FileStream target, long from, long to)
    {
        var buffer = ArrayPool<byte>.Shared.Rent(256 * 1024);
        try
        {
            source.Position = from;
            while (from < to)
            {
                var got = source.Read(buffer, 0, (int)Math.Min(buffer.Length, to - from));
                if (got == 0)
                {
                    throw new IOException($"The decision spool ended at {from}, before {to}, while it was compacted.");
                }

                target.Write(buffer, 0, got);
                from += got;
            }
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(buffer);
        }
    }

    private void WriteOffset(long offset, bool toDisk)
    {
        if (!File.Exists(_offsetPath))
        {
            Interlocked.Exchange(ref _directoryChanged, 1);
        }

        using var file = new FileStream(_offsetPath, FileMode.Create, FileAccess.Write, FileShare.None, bufferSize: 0);
        file.Write(System.Text.Encoding.ASCII.GetBytes(offset.ToString(CultureInfo.InvariantCulture)));
        if (toDisk)
        {
            file.Flush(flushToDisk: true);
        }
    }

    private enum FollowUp
    {
        None,
        SaveOffset,
        DeleteDrained,
        Compact,
    }

    /// <summary>The record on a <c>run TAB record-json</c> line; null when the line is not one (torn or damaged).</summary>
    private static PendingDecision? Parse(ReadOnlySpan<byte> line)
    {
        const int RunLength = 32;
        if (line.Length <= RunLength || line[RunLength] != (byte)'\t'
            || !Utf8Parser.TryParse(line[..RunLength], out Guid run, out var consumed, 'N') || consumed != RunLength)
        {
            return null;
        }

        var json = line[(RunLength + 1)..].ToArray();
        try
        {
            var record = JsonSerializer.Deserialize(json, AuthzJsonContext.Default.DecisionRecord);
            return record is null ? null : new PendingDecision(run, record, json);
        }
        catch (JsonException)
        {
            return null;
        }
    }

    /// <summary>True when the offset is 0, or lies within the file just after a line end.</summary>
    private bool OffsetFitsFile()
    {
        if (_delivered == 0)
        {
            return true;
        }

        if (!File.Exists(_path) || new FileInfo(_path).Length < _delivered)
        {
            return false;
        }

        using var file = new FileStream(_path, FileMode.Open, FileAccess.Read, FileShare.ReadWrite);
        file.Seek(_delivered - 1, SeekOrigin.Begin);
        return file.ReadByte() == '\n';
    }

    /// <summary>A crash mid-append can leave a last line without its end; ending it keeps the next record on a line of its own.</summary>
    private void TerminateTornLine()
    {
        if (!File.Exists(_path) || new FileInfo(_path).Length == 0)
        {
            return;
        }

        using var file = new FileStream(_path, FileMode.Open, FileAccess.ReadWrite, FileShare.Read);
        file.Seek(-1, SeekOrigin.End);
        if (file.ReadByte() != '\n')
        {
            file.WriteByte((byte)'\n');
        }
    }

    private long CountPending()
    {
        if (!File.Exists(_path))
        {
            return 0;
        }

        using var file = new FileStream(_path, FileMode.Open, FileAccess.Read, FileShare.ReadWrite);
        file.Seek(_delivered, SeekOrigin.Begin);
        long lines = 0;
        int b;
        while ((b = file.ReadByte()) >= 0)
        {
            if (b == '\n')
            {
                lines++;
            }
        }

        return lines;
    }
}
