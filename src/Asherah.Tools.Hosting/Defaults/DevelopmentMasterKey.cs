using System.Security.Cryptography;

namespace Asherah.Tools.Hosting;

/// <summary>
/// The local development master key: a file of 32 random printable ASCII characters (the static KMS takes exactly 32
/// UTF-8 bytes), created owner-read/write only on first use. Not for production.
/// </summary>
public static class DevelopmentMasterKey
{
    /// <summary>The key's length in bytes (and characters): what the static KMS requires.</summary>
    public const int Length = 32;

    /// <summary>The line both programs print (the server logs) when they use the development key.</summary>
    public const string Warning =
        "asherah: warning: using the local development master key; it is not for production (use a real KMS).";

    // Printable ASCII without space, so the file survives editors and shells: 94 symbols, ~6.55 bits each.
    private static readonly byte[] Alphabet = Enumerable.Range('!', '~' - '!' + 1).Select(c => (byte)c).ToArray();

    /// <summary>
    /// Creates the key file at <paramref name="path"/> when it does not exist (see <see cref="TryCreate"/>). Reading it
    /// is the core's <c>static</c> KMS provider's: it checks the length and reads the key into a wiped stack buffer, so
    /// the key never becomes a managed string.
    /// </summary>
    /// <exception cref="InvalidSettingException"><paramref name="path"/> is a directory.</exception>
    /// <exception cref="SetupException">The file or its directory cannot be created.</exception>
    public static void EnsureCreated(string path) => EnsureCreated(path, beforePublish: null);

    /// <summary>
    /// <see cref="EnsureCreated(string)"/>, calling <paramref name="beforePublish"/> with the temporary file's path once
    /// the new key is on disk and before it is moved into place (tests interleave or interrupt creations there).
    /// </summary>
    internal static void EnsureCreated(string path, Action<string>? beforePublish)
    {
        if (Directory.Exists(path))
        {
            throw new InvalidSettingException($"The master key file '{path}' is a directory.");
        }

        if (File.Exists(path))
        {
            return;
        }

        try
        {
            TryCreate(path, beforePublish);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new SetupException($"cannot create the master key file '{path}': {DataDirectory.Explain(Path.GetDirectoryName(path) ?? path, e)}", e);
        }
    }

    /// <summary>
    /// Creates the key file atomically: the key goes to a temporary file (owner read/write only) in the same directory,
    /// is flushed to disk, then is linked into place without replacing anything. A kill at any point leaves either no
    /// key file or a complete one (plus, at worst, an unused temporary file); when another invocation created the key
    /// first, its key is kept and this one is discarded, so concurrent first runs all use one key.
    /// </summary>
    private static void TryCreate(string path, Action<string>? beforePublish)
    {
        var directory = Path.GetDirectoryName(path);
        if (!string.IsNullOrEmpty(directory))
        {
            DataDirectory.Ensure(directory);
        }

        var temporary = Path.Combine(directory ?? string.Empty, $".{Path.GetFileName(path)}.{Guid.NewGuid():N}.tmp");
        var options = new FileStreamOptions { Mode = FileMode.CreateNew, Access = FileAccess.Write, Share = FileShare.None };
        if (!OperatingSystem.IsWindows())
        {
            options.UnixCreateMode = UnixFileMode.UserRead | UnixFileMode.UserWrite;
        }

        Span<byte> key = stackalloc byte[Length];
        try
        {
            RandomNumberGenerator.GetItems(Alphabet, key);
            using (var stream = new FileStream(temporary, options))
            {
                stream.Write(key);
                stream.Flush(flushToDisk: true);
            }

            beforePublish?.Invoke(temporary);

            // Without overwrite, .NET moves with link(2) + unlink(2) on Unix: it fails if the key already exists.
            File.Move(temporary, path, overwrite: false);
        }
        catch (IOException) when (File.Exists(path))
        {
            // Another invocation created it first: use theirs.
        }
        finally
        {
            CryptographicOperations.ZeroMemory(key);
            try
            {
                File.Delete(temporary);
            }
            catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
            {
                // An unused temporary key is left behind; it is never read.
            }
        }

        // The link changed the directory: flush it too, so a power loss cannot forget a key records were encrypted under.
        DirectorySync.Flush(string.IsNullOrEmpty(directory) ? "." : directory);
    }
}
