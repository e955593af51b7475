using System.Runtime.InteropServices;
using Microsoft.Win32.SafeHandles;

namespace AuthzWebhook.DecisionStore;

/// <summary>
/// Puts a directory's entries on disk (a file created, renamed or removed in it), which syncing the file itself does
/// not do: after a power loss a synced file can still be missing from its directory. .NET cannot open a directory
/// (<see cref="File.OpenHandle"/> refuses with <see cref="UnauthorizedAccessException"/>), so on Linux it is opened
/// read-only through libc and synced through the resulting handle. Elsewhere it does nothing: Windows has no such
/// step, and the service ships for Linux only.
/// </summary>
internal static class DirectorySync
{
    // O_RDONLY is 0 everywhere; O_CLOEXEC (02000000) is the same on x64 and arm64 (O_DIRECTORY is not, so it is left out;
    // fsync on a descriptor of a plain file would be harmless anyway).
    private const int OpenReadOnlyCloseOnExec = 0x80000;

    /// <summary>True when the directory's entries were put on disk; false on a platform where there is nothing to do.</summary>
    /// <exception cref="IOException">The directory could not be opened or synced.</exception>
    public static bool Sync(string directory)
    {
        if (!OperatingSystem.IsLinux())
        {
            return false;
        }

        var path = System.Text.Encoding.UTF8.GetBytes(directory + "\0");
        var fd = Open(path, OpenReadOnlyCloseOnExec);
        if (fd < 0)
        {
            throw new IOException($"Could not open directory {directory} to sync it (errno {Marshal.GetLastPInvokeError()}).");
        }

        using var handle = new SafeFileHandle(fd, ownsHandle: true);
        RandomAccess.FlushToDisk(handle);
        return true;
    }

    [DllImport("libc", EntryPoint = "open", SetLastError = true)]
    [DefaultDllImportSearchPaths(DllImportSearchPath.SafeDirectories)]
    private static extern int Open(byte[] path, int flags);
}
