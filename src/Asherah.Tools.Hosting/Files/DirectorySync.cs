using System.Runtime.InteropServices;

namespace Asherah.Tools.Hosting;

/// <summary>
/// Flushes a directory's entries to disk, so a file created or renamed into it survives a power loss: a rename is a
/// change of the directory, and <c>fsync</c> of the file alone does not make it durable (POSIX leaves it to the
/// directory's own <c>fsync</c>; ext4, XFS and APFS need it).
/// </summary>
/// <remarks>
/// The durable replace this completes:
/// <code>
/// write TEMP; fsync(TEMP)          FileStream.Flush(flushToDisk: true)
/// rename(TEMP, FILE)               File.Move(TEMP, FILE, overwrite: true)
/// fsync(open(DIR, O_RDONLY))       DirectorySync.Flush(DIR)
/// </code>
/// On Linux and macOS the directory is opened read-only and its descriptor flushed with <c>fsync(2)</c> (.NET's
/// <c>File.OpenHandle</c> refuses directories). On Windows it does nothing: NTFS journals a rename with the metadata,
/// and a directory cannot be flushed through a handle opened for reading.
/// </remarks>
public static partial class DirectorySync
{
    private const int ENOENT = 2;
    private const int EINTR = 4;
    private const int EACCES = 13;
    private const int ENOTDIR = 20;

    /// <summary>Flushes the entries of <paramref name="directory"/> to disk (see the remarks).</summary>
    /// <exception cref="DirectoryNotFoundException"><paramref name="directory"/> does not exist or is not a directory.</exception>
    /// <exception cref="UnauthorizedAccessException"><paramref name="directory"/> may not be opened.</exception>
    /// <exception cref="IOException">The system refused to open or flush it; the message is the system's.</exception>
    public static void Flush(string directory)
    {
        ArgumentException.ThrowIfNullOrEmpty(directory);
        if (OperatingSystem.IsWindows())
        {
            return;
        }

        // open(2) follows a symbolic link and opens a regular file as well; only a directory is meant here.
        if (!Directory.Exists(directory))
        {
            throw new DirectoryNotFoundException($"Cannot flush the directory '{directory}': it does not exist or is not a directory.");
        }

        int descriptor;
        do
        {
            descriptor = Open(directory, 0 /* O_RDONLY */);
        }
        while (descriptor < 0 && Marshal.GetLastPInvokeError() == EINTR);

        if (descriptor < 0)
        {
            throw Failure("open", directory, Marshal.GetLastPInvokeError());
        }

        try
        {
            int result;
            do
            {
                result = FSync(descriptor);
            }
            while (result != 0 && Marshal.GetLastPInvokeError() == EINTR);

            if (result != 0)
            {
                throw Failure("fsync", directory, Marshal.GetLastPInvokeError());
            }
        }
        finally
        {
            _ = Close(descriptor);
        }
    }

    private static Exception Failure(string call, string directory, int errno)
    {
        var message = $"Cannot flush the directory '{directory}': {call} failed: {Marshal.GetPInvokeErrorMessage(errno)} (errno {errno}).";
        return errno switch
        {
            ENOENT or ENOTDIR => new DirectoryNotFoundException(message),
            EACCES => new UnauthorizedAccessException(message),
            _ => new IOException(message, errno),
        };
    }

    [LibraryImport("libc", EntryPoint = "open", SetLastError = true, StringMarshalling = StringMarshalling.Utf8)]
    private static partial int Open(string path, int flags);

    [LibraryImport("libc", EntryPoint = "fsync", SetLastError = true)]
    private static partial int FSync(int descriptor);

    [LibraryImport("libc", EntryPoint = "close", SetLastError = true)]
    private static partial int Close(int descriptor);
}
