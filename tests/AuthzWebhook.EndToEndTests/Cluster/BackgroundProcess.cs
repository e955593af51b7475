using System.Diagnostics;

namespace AuthzWebhook.EndToEndTests.Cluster;

/// <summary>
/// A server process (etcd, kube-apiserver) run for the whole suite: its output goes to a log file kept with the test
/// results, so a failed start explains itself; killed with its children on dispose.
/// </summary>
internal sealed class BackgroundProcess : IDisposable
{
    private readonly Process _process;
    private readonly StreamWriter _log;

    public BackgroundProcess(string fileName, IEnumerable<string> arguments, string logPath)
    {
        LogPath = logPath;
        _log = new StreamWriter(logPath, append: false) { AutoFlush = true };
        var start = new ProcessStartInfo(fileName)
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        foreach (var argument in arguments)
        {
            start.ArgumentList.Add(argument);
        }

        _process = new Process { StartInfo = start };
        _process.OutputDataReceived += (_, e) => Append(e.Data);
        _process.ErrorDataReceived += (_, e) => Append(e.Data);
        _process.Start();
        _process.BeginOutputReadLine();
        _process.BeginErrorReadLine();
    }

    public string LogPath { get; }

    public bool HasExited => _process.HasExited;

    /// <summary>The last lines of its log, for failure messages.</summary>
    public string Tail(int lines = 30)
    {
        lock (_log)
        {
            _log.Flush();
        }

        using var reader = new StreamReader(new FileStream(LogPath, FileMode.Open, FileAccess.Read, FileShare.ReadWrite));
        var all = reader.ReadToEnd().Split('\n');
        return string.Join('\n', all.TakeLast(lines));
    }

    public void Dispose()
    {
        if (!_process.HasExited)
        {
            _process.Kill(entireProcessTree: true);
            _process.WaitForExit();
        }

        _process.Dispose();
        lock (_log)
        {
            _log.Dispose();
        }
    }

    private void Append(string? line)
    {
        if (line is null)
        {
            return;
        }

        lock (_log)
        {
            if (_log.BaseStream.CanWrite)
            {
                _log.WriteLine(line);
            }
        }
    }
}
