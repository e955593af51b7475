using System.Globalization;
using System.Text;
using System.Text.Json;
using AuthzWebhook.Hosting;

namespace AuthzWebhook.Audit;

/// <summary>
/// An append-only file of records Postgres has not taken yet, one <c>run TAB record-json</c> line each, and beside it
/// the offset up to which they have been stored. It survives a restart; a crash between storing a batch and saving
/// the offset only makes a batch be sent twice, which the store ignores (records are keyed by decision id).
/// Appends are buffered and made durable by <see cref="Flush"/>, once per batch the writer handles: flushing to disk
/// per record would cap the spool at a few thousand records a second. Used by one writer thread and one delivering
/// thread under <see cref="DecisionStoreQueue"/>'s lock.
/// </summary>
internal sealed class DecisionSpool : IDisposable
{
    private readonly string _path;
    private readonly string _offsetPath;
    private long _delivered;
    private FileStream? _appender;

    public DecisionSpool(string path)
    {
        _path = path;
        _offsetPath = path + ".offset";
        Directory.CreateDirectory(Path.GetDirectoryName(Path.GetFullPath(path))!);
        _delivered = File.Exists(_offsetPath) && long.TryParse(File.ReadAllText(_offsetPath), NumberStyles.None, CultureInfo.InvariantCulture, out var offset) ? offset : 0;
        TerminateTornLine();
        Pending = CountPending();
    }

    /// <summary>Records in the file not yet stored.</summary>
    public long Pending { get; private set; }

    public void Append(IEnumerable<PendingDecision> records, bool flush)
    {
        _appender ??= new FileStream(_path, FileMode.Append, FileAccess.Write, FileShare.ReadWrite, 256 * 1024);
        foreach (var record in records)
        {
            _appender.Write(Encoding.ASCII.GetBytes(record.Run.ToString("N") + "\t"));
            _appender.Write(record.Line);
            _appender.WriteByte((byte)'\n');
            Pending++;
        }

        if (flush)
        {
            Flush();
        }
    }

    /// <summary>Puts what was appended on disk: this is what a restart reads back.</summary>
    public void Flush() => _appender?.Flush(flushToDisk: true);

    public void Dispose() => CloseAppender();

    private void CloseAppender()
    {
        if (_appender is not null)
        {
            _appender.Flush(flushToDisk: true);
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
        if (!File.Exists(_path) || _delivered >= new FileInfo(_path).Length)
        {
            // Closed first: an append stream left open would go on writing into the deleted file.
            CloseAppender();
            File.Delete(_path);
            File.Delete(_offsetPath);
            _delivered = 0;
            Pending = 0;
            return;
        }

        File.WriteAllText(_offsetPath, _delivered.ToString(CultureInfo.InvariantCulture));
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
