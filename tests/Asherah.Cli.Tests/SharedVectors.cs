namespace Asherah.Cli.Tests;

/// <summary>Finds the shared interoperability vectors by walking up from the test binaries.</summary>
public static class SharedVectors
{
    public static string Directory
    {
        get
        {
            for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
            {
                var candidate = Path.Combine(dir.FullName, "shared", "vectors");
                if (System.IO.Directory.Exists(candidate))
                {
                    return candidate;
                }
            }

            throw new InvalidOperationException(
                $"shared/vectors was not found above {AppContext.BaseDirectory}; the CLI vector tests need it.");
        }
    }

    public static string[] Files
    {
        get
        {
            var files = System.IO.Directory.GetFiles(Directory, "*.json").Order(StringComparer.Ordinal).ToArray();
            if (files.Length == 0)
            {
                throw new InvalidOperationException($"No vector files in {Directory}.");
            }

            return files;
        }
    }
}
