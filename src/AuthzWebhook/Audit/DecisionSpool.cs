using System.Buffers;
using System.Buffers.Text;
using System.Globalization;
using System.Text.Json;
using AuthzWebhook.Hosting;

namespace AuthzWebhook.Audit;

/// <summary>
/// An append-only file of every record on its way to Postgres, one <c>run TAB record-json</c> line each, and beside it
/// the offset up to which they have been stored. It survives a restart; a crash between storing a batch and saving
/// the offset only makes a batch be sent twice, which the store ignores (records are keyed by decision id).
/// Appends are collected and handed to the operating system by <see cref="Flush"/> in one write, once per batch the
/// writer handles (enough for a killed process), and put on disk by <see cref="SyncToDisk"/> about once a second, off
/// the request path (for a lost machine). A write that fails (disk full) is cut off again, so the file always ends
/// with a whole line and the next batch never continues a torn one. The file starts afresh whenever everything in it is stored, and is compacted when a
/// long stored prefix has built up under steady load. Used by one writer thread and one delivering thread under
/// <see cref="DecisionStoreQueue"/>'s lock.
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
    private readonly Func<string, FileStream> _openAppender;
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

    /// <summary>With the append stream opened by <paramref name="openAppender"/> (tests use one that fails like a full disk).</summary>
    internal DecisionSpool(string path, long compactAfter, Func<string, FileStream> openAppender)
    {
        _path = path;
        _compactAfter = compactAfter;
        _openAppender = openAppender;
        _offsetPath = path + ".offset";
        Directory.CreateDirectory(Path.GetDirectoryName(Path.GetFullPath(path))!);
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

    /// <summary>Records in the file not yet stored.</summary>
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
    }

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

    public void Dispose() => CloseAppender(toDisk: true);

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
    /// (torn by a crash, or damaged): such a line is passed over and counted, never glued to the next.
    /// </summary>
    public (List<PendingDecision> Records, long End, int Lines, int Unreadable) Read(int max)
    {
        var records = new List<PendingDecision>();
        var limit = _committed;
        var end = _delivered;
        int lines = 0, unreadable = 0;
        if (end >= limit || !File.Exists(_path))
        {
            return (records, end, 0, 0);
        }

        using var file = new FileStream(_path, FileMode.Open, FileAccess.Read, FileShare.ReadWrite | FileShare.Delete, bufferSize: 0);
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

    /// <summary>Everything before <paramref name="end"/> is stored; once all is, the file starts afresh.</summary>
    public void Acknowledge(long end, int lines)
    {
        _delivered = end;
        Pending = Math.Max(0, Pending - lines);
        if (_delivered >= _committed)
        {
            // Closed first: an append stream left open would go on writing into the deleted file. The offset goes
            // first: a crash between the two must not leave an offset for a file that no longer exists. No sync to disk:
            // everything in the file is stored, and this runs under the queue's lock, which the record writer waits on.
            CloseAppender(toDisk: false);
            File.Delete(_offsetPath);
            File.Delete(_path);
            _delivered = 0;
            _committed = 0;
            Pending = 0;
            return;
        }

        if (_delivered >= _compactAfter && _committed - _delivered <= _compactAfter / 8)
        {
            Compact();
            return;
        }

        File.WriteAllText(_offsetPath, _delivered.ToString(CultureInfo.InvariantCulture));
    }

    /// <summary>
    /// Replaces the file with what is not yet stored. The copy is on disk before the offset is reset and it replaces
    /// the original: a crash between the two makes the next start send the old file again from its beginning, which
    /// the store ignores (records keyed by decision id); never does an offset point into the wrong file.
    /// </summary>
    private void Compact()
    {
        CloseAppender(toDisk: false);
        var copy = _path + ".compact";
        using (var source = new FileStream(_path, FileMode.Open, FileAccess.Read, FileShare.ReadWrite))
        using (var target = new FileStream(copy, FileMode.Create, FileAccess.Write, FileShare.None))
        {
            source.Seek(_delivered, SeekOrigin.Begin);
            source.CopyTo(target);
            target.Flush(flushToDisk: true);
        }

        File.WriteAllText(_offsetPath, "0");
        File.Move(copy, _path, overwrite: true);
        _committed -= _delivered;
        _delivered = 0;
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
