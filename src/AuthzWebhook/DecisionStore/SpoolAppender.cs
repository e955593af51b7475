using System.Buffers;

namespace AuthzWebhook.DecisionStore;

/// <summary>
/// The record writer's end of the spool: lines collected by <see cref="Stage"/> are written by <see cref="Write"/> in
/// one piece, and a write that fails (disk full) is cut off again, so that the file always ends with a whole line
/// (<see cref="Committed"/>) and the next batch never continues a torn one.
/// </summary>
internal sealed class SpoolAppender(string path, long committed, Func<string, FileStream> open) : IDisposable
{
    private readonly ArrayBufferWriter<byte> _staged = new(256 * 1024);
    private int _stagedCount;
    private FileStream? _stream;
    private Guid _prefixRun;
    private byte[] _prefix = [];

    /// <summary>The end of the last whole line, what <see cref="Write"/> has written in full: the file is never read past it.</summary>
    public long Committed { get; private set; } = committed;

    /// <summary>Unbuffered: a stream buffer would hold bytes that a later flush might still push after a cut.</summary>
    public static FileStream Open(string path) =>
        new(path, FileMode.OpenOrCreate, FileAccess.Write, FileShare.ReadWrite | FileShare.Delete, bufferSize: 0);

    /// <summary>Collects the record's line for the next <see cref="Write"/>.</summary>
    public void Stage(PendingDecision record)
    {
        if (record.Run != _prefixRun)
        {
            // One run per process: its prefix is formatted once, not once per record.
            _prefixRun = record.Run;
            _prefix = SpoolLine.Prefix(record.Run);
        }

        _staged.Write(_prefix);
        _staged.Write(record.Line);
        _staged.Write("\n"u8);
        _stagedCount++;
    }

    /// <summary>
    /// Writes the collected lines in one piece, handing them to the operating system, and returns how many they were;
    /// <paramref name="opened"/> is true when the file was opened (perhaps created) for them. If the write fails, the
    /// file is cut back to <see cref="Committed"/>, the lines are dropped and the exception is passed on.
    /// </summary>
    public int Write(out bool opened)
    {
        opened = false;
        if (_stagedCount == 0)
        {
            return 0;
        }

        try
        {
            if (_stream is null)
            {
                _stream = open(path);
                opened = true;
                // Whatever a failed write left past the last whole line goes before anything is added.
                if (_stream.Length > Committed)
                {
                    _stream.SetLength(Committed);
                }

                _stream.Position = Committed;
            }

            _stream.Write(_staged.WrittenSpan);
            Committed += _staged.WrittenCount;
            return _stagedCount;
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

    /// <summary>Closes the stream (which holds nothing unwritten); to disk only when what it wrote must outlive the machine.</summary>
    public void Close(bool toDisk)
    {
        if (_stream is not null)
        {
            if (toDisk)
            {
                _stream.Flush(flushToDisk: true);
            }

            _stream.Dispose();
            _stream = null;
        }
    }

    /// <summary>The file was removed, everything in it stored (closed first): the next line starts a new one.</summary>
    public void Restart() => Committed = 0;

    /// <summary>The file was replaced (closed first) by a copy without its first <paramref name="removed"/> bytes.</summary>
    public void Rebase(long removed) => Committed -= removed;

    public void Dispose() => Close(toDisk: true);

    /// <summary>
    /// After a failed write: the torn part is cut off, so that the file ends with a whole line. If even that fails, the
    /// stream is dropped all the same and the next <see cref="Write"/> cuts the file back when it opens it again.
    /// </summary>
    private void CutBack()
    {
        var stream = _stream;
        _stream = null;
        if (stream is null)
        {
            return;
        }

        try
        {
            stream.SetLength(Committed);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
        }
        finally
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
    }
}
