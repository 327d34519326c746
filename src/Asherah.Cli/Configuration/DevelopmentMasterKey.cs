using System.Security.Cryptography;
using System.Text;

namespace Asherah.Cli.Configuration;

/// <summary>
/// The local development master key: a file of 32 random printable ASCII characters (the static KMS takes exactly 32
/// UTF-8 bytes), created owner-read/write only on first use. Not for production.
/// </summary>
internal static class DevelopmentMasterKey
{
    public const int Length = 32;

    public const string Warning =
        "asherah: warning: using the local development master key; it is not for production (use a real KMS).";

    // Printable ASCII without space, so the file survives editors and shells: 94 symbols, ~6.55 bits each.
    private static readonly char[] Alphabet = Enumerable.Range('!', '~' - '!' + 1).Select(c => (char)c).ToArray();

    /// <summary>Reads the key from <paramref name="path"/>, creating the file when it does not exist.</summary>
    public static string LoadOrCreate(string path)
    {
        if (!File.Exists(path))
        {
            TryCreate(path);
        }

        var key = File.ReadAllText(path, Encoding.UTF8).TrimEnd('\r', '\n');
        if (Encoding.UTF8.GetByteCount(key) != Length)
        {
            // Say which file, never what is in it.
            throw new UsageException($"The master key file '{path}' must hold exactly {Length} UTF-8 bytes.");
        }

        return key;
    }

    private static void TryCreate(string path)
    {
        var directory = Path.GetDirectoryName(path);
        if (!string.IsNullOrEmpty(directory))
        {
            DataDirectory.Ensure(directory);
        }

        var options = new FileStreamOptions { Mode = FileMode.CreateNew, Access = FileAccess.Write, Share = FileShare.None };
        if (!OperatingSystem.IsWindows())
        {
            options.UnixCreateMode = UnixFileMode.UserRead | UnixFileMode.UserWrite;
        }

        string key = RandomNumberGenerator.GetString(Alphabet, Length);
        try
        {
            using var stream = new FileStream(path, options);
            stream.Write(Encoding.ASCII.GetBytes(key));
        }
        catch (IOException) when (File.Exists(path))
        {
            // Another invocation created it first: use theirs.
        }
    }
}
