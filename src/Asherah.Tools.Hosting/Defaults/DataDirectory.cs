namespace Asherah.Tools.Hosting;

/// <summary>
/// The embedded defaults' data directory, where the SQLite metastore file and the development master key live when
/// nothing else is configured: <c>$XDG_DATA_HOME/asherah</c>, else <c>~/.local/share/asherah</c> (the programs let
/// <c>--data-dir</c> and <c>ASHERAH_DATA_DIR</c> win over both).
/// </summary>
public static class DataDirectory
{
    /// <summary>The default data directory for the environment <paramref name="getVariable"/> reads.</summary>
    /// <param name="getVariable">Reads an environment variable (null or empty when unset); tests pass their own.</param>
    /// <exception cref="InvalidSettingException">Neither <c>XDG_DATA_HOME</c> nor a home directory is known.</exception>
    public static string Default(Func<string, string?> getVariable)
    {
        ArgumentNullException.ThrowIfNull(getVariable);
        var xdg = getVariable("XDG_DATA_HOME");
        if (!string.IsNullOrEmpty(xdg) && Path.IsPathRooted(xdg))
        {
            return Path.Combine(xdg, "asherah");
        }

        var home = getVariable("HOME") is { Length: > 0 } h ? h : Environment.GetFolderPath(Environment.SpecialFolder.UserProfile);
        if (string.IsNullOrEmpty(home))
        {
            throw new InvalidSettingException("Cannot find a home directory for the data directory; pass --data-dir or set ASHERAH_DATA_DIR.");
        }

        return Path.Combine(home, ".local", "share", "asherah");
    }

    /// <summary>
    /// Why <paramref name="path"/> could not be created: names the ancestor that is a file when there is one (the
    /// runtime's message only says a part of the path was not found), else the exception's message.
    /// </summary>
    public static string Explain(string path, Exception e)
    {
        ArgumentNullException.ThrowIfNull(e);
        for (var ancestor = Path.GetFullPath(path); !string.IsNullOrEmpty(ancestor); ancestor = Path.GetDirectoryName(ancestor))
        {
            if (File.Exists(ancestor))
            {
                return $"'{ancestor}' is a file, not a directory.";
            }

            if (Directory.Exists(ancestor))
            {
                break;
            }
        }

        return e.Message;
    }

    /// <summary>Creates <paramref name="path"/> (owner-only on Unix) when missing.</summary>
    /// <exception cref="IOException">The directory cannot be created (see <see cref="Explain"/> for a message).</exception>
    /// <exception cref="UnauthorizedAccessException">A parent directory may not be written.</exception>
    public static void Ensure(string path)
    {
        if (Directory.Exists(path))
        {
            return;
        }

        if (OperatingSystem.IsWindows())
        {
            Directory.CreateDirectory(path);
        }
        else
        {
            Directory.CreateDirectory(path, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
        }
    }
}
