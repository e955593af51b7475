namespace AuthzWebhook.DecisionStore;

/// <summary>
/// Takes over the spool an earlier process left (killed, crashed, or with a machine that lost its last second): what
/// its crash left half done is undone, and where delivery resumes is worked out.
/// </summary>
internal static class SpoolRecovery
{
    /// <summary>The offset delivery resumes from, the end of the file's last whole line, and the lines waiting between them.</summary>
    public static (long Delivered, long Committed, long Pending) Recover(SpoolFiles files)
    {
        // Left by a crash during compaction before the copy replaced the file: the file and its offset are intact.
        File.Delete(files.Compacted);
        // Left by a crash after a fully stored file was set aside and before it was deleted: nothing in it is needed.
        File.Delete(files.Drained);
        var delivered = files.ReadOffset();
        TerminateTornLine(files.Spool);
        if (!OffsetFitsFile(files.Spool, delivered))
        {
            // An offset left from another file (a crash between deleting the two, or a spool that lost its last second
            // with the machine): send everything again rather than skip a record; the store ignores what it has.
            delivered = 0;
            File.Delete(files.Offset);
        }

        var committed = File.Exists(files.Spool) ? new FileInfo(files.Spool).Length : 0;
        return (delivered, committed, CountLines(files.Spool, delivered));
    }

    /// <summary>A crash mid-append can leave a last line without its end; ending it keeps the next record on a line of its own.</summary>
    private static void TerminateTornLine(string path)
    {
        if (!File.Exists(path) || new FileInfo(path).Length == 0)
        {
            return;
        }

        using var file = new FileStream(path, FileMode.Open, FileAccess.ReadWrite, FileShare.Read);
        file.Seek(-1, SeekOrigin.End);
        if (file.ReadByte() != '\n')
        {
            file.WriteByte((byte)'\n');
        }
    }

    /// <summary>True when the offset is 0, or lies within the file just after a line end.</summary>
    private static bool OffsetFitsFile(string path, long offset)
    {
        if (offset == 0)
        {
            return true;
        }

        if (!File.Exists(path) || new FileInfo(path).Length < offset)
        {
            return false;
        }

        using var file = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.ReadWrite);
        file.Seek(offset - 1, SeekOrigin.Begin);
        return file.ReadByte() == '\n';
    }

    private static long CountLines(string path, long from)
    {
        if (!File.Exists(path))
        {
            return 0;
        }

        using var file = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.ReadWrite);
        file.Seek(from, SeekOrigin.Begin);
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
