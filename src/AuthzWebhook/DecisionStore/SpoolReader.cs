using System.Buffers;

namespace AuthzWebhook.DecisionStore;

/// <summary>Reads spool lines back, for delivery to Postgres or after a restart.</summary>
internal static class SpoolReader
{
    private const int BufferSize = 64 * 1024;

    /// <summary>
    /// Up to <paramref name="max"/> lines from offset <paramref name="from"/> on, never past <paramref name="limit"/>
    /// (the end of the last whole line). A line that cannot be read back is passed over and counted, never glued to the
    /// next; a line longer than the buffer grows it.
    /// </summary>
    public static SpoolRead Read(FileStream file, long from, long limit, int max)
    {
        var records = new List<PendingDecision>();
        var end = from;
        int lines = 0, unreadable = 0;
        file.Seek(from, SeekOrigin.Begin);
        var buffer = ArrayPool<byte>.Shared.Rent(BufferSize);
        try
        {
            // buffer[start..filled) holds bytes read from the file and not yet taken; `read` is the file offset of `filled`.
            int start = 0, filled = 0;
            var read = from;
            while (lines < max)
            {
                var newline = buffer.AsSpan(start, filled - start).IndexOf((byte)'\n');
                if (newline >= 0)
                {
                    var line = buffer.AsSpan(start, newline);
                    start += newline + 1;
                    end += newline + 1;
                    lines++;
                    if (SpoolLine.Parse(line) is { } record)
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

        return new SpoolRead(records, end, lines, unreadable);
    }
}
