namespace AuthzWebhook.Tests.DecisionStore;

/// <summary>
/// Hands out the spool's read streams; while armed, the next read stops until <see cref="Release"/>, so that a test
/// can act while the delivering thread is in the middle of its file work.
/// </summary>
internal sealed class PausingReads : IDisposable
{
    private readonly ManualResetEventSlim _entered = new();
    private readonly ManualResetEventSlim _released = new();
    private volatile bool _armed;

    public void Arm()
    {
        _entered.Reset();
        _released.Reset();
        _armed = true;
    }

    /// <summary>Waits until a read has stopped; false if none did in time.</summary>
    public bool WaitUntilPaused(TimeSpan timeout) => _entered.Wait(timeout);

    public void Release() => _released.Set();

    public FileStream Open(string path) => new Stream(path, this);

    public void Dispose()
    {
        _released.Set();
        _entered.Dispose();
        _released.Dispose();
    }

    private void Pause()
    {
        if (_armed)
        {
            _armed = false;
            _entered.Set();
            _released.Wait(TimeSpan.FromSeconds(30));
        }
    }

    private sealed class Stream(string path, PausingReads reads)
        : FileStream(path, FileMode.Open, FileAccess.Read, FileShare.ReadWrite | FileShare.Delete, bufferSize: 0)
    {
        public override int Read(byte[] buffer, int offset, int count)
        {
            reads.Pause();
            return base.Read(buffer, offset, count);
        }

        public override int Read(Span<byte> buffer)
        {
            reads.Pause();
            return base.Read(buffer);
        }
    }
}
