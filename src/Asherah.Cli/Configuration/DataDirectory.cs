namespace Asherah.Cli.Configuration;

/// <summary>Finds the default data directory: <c>$XDG_DATA_HOME/asherah</c>, else <c>~/.local/share/asherah</c>.</summary>
internal static class DataDirectory
{
    public static string Default(CliConsole console)
    {
        var xdg = console.GetVariable("XDG_DATA_HOME");
        if (xdg is not null && Path.IsPathRooted(xdg))
        {
            return Path.Combine(xdg, "asherah");
        }

        var home = console.GetVariable("HOME") ?? Environment.GetFolderPath(Environment.SpecialFolder.UserProfile);
        if (string.IsNullOrEmpty(home))
        {
            throw new UsageException("Cannot find a home directory for the data directory; pass --data-dir or set ASHERAH_DATA_DIR.");
        }

        return Path.Combine(home, ".local", "share", "asherah");
    }

    /// <summary>
    /// Why <paramref name="path"/> could not be created: names the ancestor that is a file when there is one (the
    /// runtime's message only says a part of the path was not found), else the exception's message.
    /// </summary>
    public static string Explain(string path, Exception e)
    {
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
