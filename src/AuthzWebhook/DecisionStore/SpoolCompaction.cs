using System.Buffers;

namespace AuthzWebhook.DecisionStore;

/// <summary>
/// Cuts the stored prefix off the spool file while the writer goes on appending: the copy is made without the gate;
/// only the last few lines appended meanwhile, and the switch, are done under it.
/// </summary>
internal static class SpoolCompaction
{
    /// <summary>
    /// Replaces the file with what follows <paramref name="delivered"/>, its offset then being 0. A crash at any step
    /// leaves a file and offset that agree:
    /// <list type="number">
    /// <item>during the copy: the file and its offset are untouched; the partial copy is removed at the next start;</item>
    /// <item>after the offset is reset, before the rename: the old file is sent again from its start, which the store
    /// ignores (records keyed by decision id); the copy is on disk before the reset, and the reset before the rename, so
    /// after a lost machine too the offset never points into the wrong file;</item>
    /// <item>after the rename: the new file from its start.</item>
    /// </list>
    /// The lines copied under the gate reach the disk with the caller's sync right after. Nothing fails after the switch.
    /// </summary>
    public static void Run(SpoolFiles files, SpoolAppender appender, Lock gate, long delivered, Func<string, FileStream> openReader)
    {
        // Only the delivering thread moves the delivered offset or replaces the file; the writer only appends past Committed.
        long bulk;
        lock (gate)
        {
            bulk = appender.Committed;
        }

        using var source = openReader(files.Spool);
        using var target = new FileStream(files.Compacted, FileMode.Create, FileAccess.Write, FileShare.None, bufferSize: 0);

        // The bulk without the gate, then, still without it, what was appended meanwhile, so that little is left.
        Copy(source, target, delivered, bulk);
        long caughtUp;
        lock (gate)
        {
            caughtUp = appender.Committed;
        }

        Copy(source, target, bulk, caughtUp);
        target.Flush(flushToDisk: true);
        files.WriteOffset(0, toDisk: true);
        lock (gate)
        {
            // No append can fall between the last copy and the switch. The writer's stream on the old file is closed;
            // its next write opens the new one.
            Copy(source, target, caughtUp, appender.Committed);
            target.Dispose();
            appender.Close(toDisk: false);
            File.Move(files.Compacted, files.Spool, overwrite: true);
            appender.Rebase(delivered);
            files.DirectoryChanged();
        }
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
}
