using System.Globalization;
using System.Text;
using System.Text.Json;
using AuthzWebhook.Hosting;

namespace AuthzWebhook.Audit;

/// <summary>
/// An append-only file of every record on its way to Postgres, one <c>run TAB record-json</c> line each, and beside it
/// the offset up to which they have been stored. It survives a restart; a crash between storing a batch and saving
/// the offset only makes a batch be sent twice, which the store ignores (records are keyed by decision id).
/// Appends are buffered and handed to the operating system by <see cref="Flush"/>, once per batch the writer handles
/// (enough for a killed process), and put on disk by <see cref="SyncToDisk"/> about once a second, off the request
/// path (for a lost machine). The file starts afresh whenever everything in it is stored, and is compacted when a
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
    private long _delivered;
    private FileStream? _appender;
    private Guid _prefixRun;
    private byte[] _prefix = [];

    public DecisionSpool(string path, long compactAfter = CompactAfter)
    {
        _path = path;
        _compactAfter = compactAfter;
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

        Pending = CountPending();
    }

    /// <summary>Records in the file not yet stored.</summary>
    public long Pending { get; private set; }

    public void Append(PendingDecision record)
    {
        _appender ??= new FileStream(_path, FileMode.Append, FileAccess.Write, FileShare.ReadWrite, 256 * 1024);
        if (record.Run != _prefixRun)
        {
            // One run per process: its prefix is formatted once, not once per record.
            _prefixRun = record.Run;
            _prefix = System.Text.Encoding.ASCII.GetBytes(record.Run.ToString("N") + "\t");
        }

        _appender.Write(_prefix);
        _appender.Write(record.Line);
        _appender.WriteByte((byte)'\n');
        Pending++;
    }

    /// <summary>Hands what was appended to the operating system: a killed process loses none of it from here on.</summary>
    public void Flush() => _appender?.Flush(flushToDisk: false);

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

    /// <summary>Closes the append stream; to disk only when what it wrote must outlive the machine.</summary>
    private void CloseAppender(bool toDisk)
    {
        if (_appender is not null)
        {
            _appender.Flush(flushToDisk: toDisk);
            _appender.Dispose();
            _appender = null;
        }
    }

    /// <summary>Up to <paramref name="max"/> records from the delivered offset on, and the offset after them.</summary>
    public (List<PendingDecision> Records, long End) Read(int max)
    {
        var records = new List<PendingDecision>();
        // Appended records must be in the file before another stream can read them.
        _appender?.Flush(flushToDisk: false);
        if (!File.Exists(_path))
        {
            return (records, _delivered);
        }

        using var file = new FileStream(_path, FileMode.Open, FileAccess.Read, FileShare.ReadWrite);
        file.Seek(_delivered, SeekOrigin.Begin);
        var end = _delivered;
        using var reader = new StreamReader(file, Encoding.UTF8, detectEncodingFromByteOrderMarks: false);
        while (records.Count < max && reader.ReadLine() is { } line)
        {
            end += Encoding.UTF8.GetByteCount(line) + 1;
            if (Parse(line) is { } record)
            {
                records.Add(record);
            }
        }

        return (records, end);
    }

    /// <summary>Everything before <paramref name="end"/> is stored; once all is, the file starts afresh.</summary>
    public void Acknowledge(long end, int count)
    {
        _delivered = end;
        Pending = Math.Max(0, Pending - count);
        _appender?.Flush(flushToDisk: false);
        var length = File.Exists(_path) ? new FileInfo(_path).Length : 0;
        if (_delivered >= length)
        {
            // Closed first: an append stream left open would go on writing into the deleted file. The offset goes
            // first: a crash between the two must not leave an offset for a file that no longer exists. No sync to disk:
            // everything in the file is stored, and this runs under the queue's lock, which the record writer waits on.
            CloseAppender(toDisk: false);
            File.Delete(_offsetPath);
            File.Delete(_path);
            _delivered = 0;
            Pending = 0;
            return;
        }

        if (_delivered >= _compactAfter && length - _delivered <= _compactAfter / 8)
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
        _delivered = 0;
    }

    private static PendingDecision? Parse(string line)
    {
        var tab = line.IndexOf('\t', StringComparison.Ordinal);
        if (tab <= 0 || !Guid.TryParseExact(line[..tab], "N", out var run))
        {
            // A torn last line from a crash mid-write; the record it held was never acknowledged to anyone.
            return null;
        }

        var json = Encoding.UTF8.GetBytes(line[(tab + 1)..]);
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
