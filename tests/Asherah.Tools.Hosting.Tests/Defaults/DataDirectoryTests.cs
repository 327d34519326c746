namespace Asherah.Tools.Hosting.Tests.Defaults;

public sealed class DataDirectoryTests
{
    [Fact]
    public void Default_WithAnAbsoluteXdgDataHome_IsAsherahUnderIt()
    {
        var variables = new Dictionary<string, string?> { ["XDG_DATA_HOME"] = "/data", ["HOME"] = "/home/u" };

        Assert.Equal("/data/asherah", DataDirectory.Default(variables.GetValueOrDefault));
    }

    [Theory]
    [InlineData("relative/data")]
    [InlineData("")]
    [InlineData(null)]
    public void Default_WithoutAnAbsoluteXdgDataHome_IsUnderHome(string? xdg)
    {
        var variables = new Dictionary<string, string?> { ["XDG_DATA_HOME"] = xdg, ["HOME"] = "/home/u" };

        Assert.Equal("/home/u/.local/share/asherah", DataDirectory.Default(variables.GetValueOrDefault));
    }

    [Fact]
    public void Default_WithAnEmptyHome_FallsBackToTheUserProfile()
    {
        var profile = Environment.GetFolderPath(Environment.SpecialFolder.UserProfile);
        var variables = new Dictionary<string, string?> { ["HOME"] = string.Empty };

        if (string.IsNullOrEmpty(profile))
        {
            Assert.Throws<InvalidSettingException>(() => DataDirectory.Default(variables.GetValueOrDefault));
        }
        else
        {
            Assert.Equal(Path.Combine(profile, ".local", "share", "asherah"), DataDirectory.Default(variables.GetValueOrDefault));
        }
    }

    [Fact]
    public void Explain_UnderAFile_NamesTheFile()
    {
        var root = Directory.CreateTempSubdirectory("asherah-datadir-").FullName;
        try
        {
            var file = Path.Combine(root, "plain");
            File.WriteAllText(file, "x");
            var wanted = Path.Combine(file, "sub", "dir");

            var error = Assert.ThrowsAny<IOException>(() => DataDirectory.Ensure(wanted));

            Assert.Equal($"'{file}' is a file, not a directory.", DataDirectory.Explain(wanted, error));
        }
        finally
        {
            Directory.Delete(root, recursive: true);
        }
    }

    [Fact]
    public void Ensure_CreatesAnOwnerOnlyDirectory()
    {
        var root = Directory.CreateTempSubdirectory("asherah-datadir-").FullName;
        try
        {
            var wanted = Path.Combine(root, "a", "b");

            DataDirectory.Ensure(wanted);

            Assert.True(Directory.Exists(wanted));
            if (!OperatingSystem.IsWindows())
            {
                Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute, File.GetUnixFileMode(wanted));
            }
        }
        finally
        {
            Directory.Delete(root, recursive: true);
        }
    }
}
