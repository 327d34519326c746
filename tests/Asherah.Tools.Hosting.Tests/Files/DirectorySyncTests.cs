namespace Asherah.Tools.Hosting.Tests.Files;

/// <summary><see cref="DirectorySync"/> on the real file system: open and fsync a directory, typed errors otherwise.</summary>
public sealed class DirectorySyncTests : IDisposable
{
    private readonly string _root = Directory.CreateTempSubdirectory("asherah-dirsync-").FullName;

    public void Dispose() => Directory.Delete(_root, recursive: true);

    [Fact]
    public void Flush_OfARealDirectoryWithARenamedFile_Succeeds_AndLeavesItsEntries()
    {
        var temporary = Path.Combine(_root, "file.tmp");
        var file = Path.Combine(_root, "file");
        File.WriteAllText(temporary, "content");
        File.Move(temporary, file, overwrite: true);

        DirectorySync.Flush(_root);

        Assert.Equal(["file"], Directory.GetFileSystemEntries(_root).Select(Path.GetFileName));
        Assert.Equal("content", File.ReadAllText(file));
    }

    [Fact]
    public void Flush_OfARelativePath_Succeeds()
    {
        // "." is what a checkpoint or key file named without a directory is renamed in.
        DirectorySync.Flush(".");
    }

    [Fact]
    public void Flush_OfAMissingDirectory_ThrowsDirectoryNotFound_NamingIt()
    {
        var missing = Path.Combine(_root, "missing");

        var error = Assert.Throws<DirectoryNotFoundException>(() => DirectorySync.Flush(missing));

        Assert.Contains(missing, error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Flush_OfARegularFile_ThrowsDirectoryNotFound()
    {
        var file = Path.Combine(_root, "plain");
        File.WriteAllText(file, "x");

        Assert.Throws<DirectoryNotFoundException>(() => DirectorySync.Flush(file));
    }

    [Fact]
    public void Flush_OfAnEmptyPath_ThrowsArgumentException()
    {
        Assert.Throws<ArgumentException>(() => DirectorySync.Flush(string.Empty));
    }
}
