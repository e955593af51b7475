namespace AuthzWebhook.Tests.DecisionStore;

/// <summary>
/// A disk that can fill up: while <see cref="Full"/>, a write gets half its bytes into the file and then fails with
/// ENOSPC's message, as a write that runs out of space midway does. Hands out the spool's append streams.
/// </summary>
internal sealed class FullDisk
{
    public volatile bool Full;

    public int FailedWrites;

    public FileStream Open(string path) => new Stream(path, this);

    private sealed class Stream(string path, FullDisk disk)
        : FileStream(path, FileMode.OpenOrCreate, FileAccess.Write, FileShare.ReadWrite | FileShare.Delete, bufferSize: 0)
    {
        public override void Write(ReadOnlySpan<byte> buffer)
        {
            if (!disk.Full)
            {
                base.Write(buffer);
                return;
            }

            base.Write(buffer[..(buffer.Length / 2)]);
            Interlocked.Increment(ref disk.FailedWrites);
            throw new IOException("No space left on device");
        }
    }
}
