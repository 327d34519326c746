using System.Net.Sockets;
using Asherah.Tools.Hosting;

namespace Asherah.Server.Configuration;

/// <summary>Prepares the socket path: a socket file left by a server that died is removed; a live one is refused.</summary>
internal static class UnixSocketFile
{
    /// <summary>Returns whether a stale socket file was removed.</summary>
    /// <exception cref="InvalidSettingException">The directory is missing, another server listens there, or the path is not a socket.</exception>
    public static bool RemoveIfStale(string path)
    {
        var directory = Path.GetDirectoryName(Path.GetFullPath(path));
        if (directory is not null && !Directory.Exists(directory))
        {
            throw new InvalidSettingException($"The directory of the socket file '{path}' does not exist.");
        }

        if (Directory.Exists(path))
        {
            throw new InvalidSettingException($"The socket file '{path}' is a directory.");
        }

        if (!File.Exists(path))
        {
            return false;
        }

        using (var probe = new Socket(AddressFamily.Unix, SocketType.Stream, ProtocolType.Unspecified))
        {
            try
            {
                probe.Connect(new UnixDomainSocketEndPoint(path));
                throw new InvalidSettingException($"Another server is listening on '{path}'; stop it or choose another --socket-file.");
            }
            catch (SocketException e) when (e.SocketErrorCode == SocketError.ConnectionRefused)
            {
                // Nobody listens: a socket left behind, or a file that is no socket (connect refuses both).
            }
        }

        if (!IsSocket(path))
        {
            throw new InvalidSettingException($"The socket file '{path}' exists and is not a socket; remove it or choose another --socket-file.");
        }

        File.Delete(path);
        return true;
    }

    // open(2) on a Unix domain socket fails with ENXIO, which .NET reports as an IOException; a regular file opens.
    private static bool IsSocket(string path)
    {
        try
        {
            using var stream = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.ReadWrite);
            return false;
        }
        catch (IOException)
        {
            return true;
        }
    }
}
