using System.Security.Cryptography;

namespace AuthzWebhook.Hosting;

/// <summary>
/// A value built from files that are replaced in place (cert-manager and the kubelet rotate mounted secrets), re-read
/// at most once per check interval when the value is asked for. Files that fail to load (a half-written rotation) are
/// ignored and the previous value stays in use; at construction a failure is fatal.
/// </summary>
internal sealed class ReloadingFiles<T>
    where T : class
{
    private readonly string[] _paths;
    private readonly TimeSpan _checkInterval;
    private readonly TimeProvider _timeProvider;
    private readonly Func<string[], T> _load;
    private readonly Action<T> _reloaded;
    private readonly Action<string> _reloadFailed;
    private readonly Lock _reloadLock = new();
    private volatile Snapshot _current;
    private long _nextCheck;

    public ReloadingFiles(string[] paths, TimeSpan checkInterval, TimeProvider timeProvider, Func<string[], T> load, Action<T> reloaded, Action<string> reloadFailed)
    {
        _paths = paths;
        _checkInterval = checkInterval;
        _timeProvider = timeProvider;
        _load = load;
        _reloaded = reloaded;
        _reloadFailed = reloadFailed;
        try
        {
            var files = ReadFiles();
            _current = new Snapshot(files, load(files));
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException or CryptographicException or InvalidOperationException or ArgumentException)
        {
            // Named among the start-up problems rather than met as a stack trace.
            throw new StartupProblemException($"cannot load {string.Join(", ", paths)}: {ex.Message}", ex);
        }

        _nextCheck = timeProvider.GetTimestamp();
    }

    public T Current
    {
        get
        {
            var now = _timeProvider.GetTimestamp();
            if (now < Interlocked.Read(ref _nextCheck) || !_reloadLock.TryEnter())
            {
                return _current.Value;
            }

            try
            {
                Interlocked.Exchange(ref _nextCheck, now + (long)(_checkInterval.TotalSeconds * _timeProvider.TimestampFrequency));
                var files = ReadFiles();
                if (!files.SequenceEqual(_current.Files))
                {
                    _current = new Snapshot(files, _load(files));
                    _reloaded(_current.Value);
                }
            }
            catch (Exception ex) when (ex is IOException or UnauthorizedAccessException or CryptographicException or InvalidOperationException or ArgumentException)
            {
                _reloadFailed(ex.Message);
            }
            finally
            {
                _reloadLock.Exit();
            }

            return _current.Value;
        }
    }

    private string[] ReadFiles() => [.. _paths.Select(File.ReadAllText)];

    private sealed record Snapshot(string[] Files, T Value);
}
