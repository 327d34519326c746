namespace Asherah.Compatibility.Tests;

/// <summary>
/// Finds the shared compatibility material (<c>shared/vectors</c>, <c>shared/tools</c>) by walking up from the test
/// binaries: CI checks the repository out with <c>shared/</c> beside it (<c>&lt;checkout&gt;/../shared</c>).
/// </summary>
internal static class SharedDirectory
{
    private static readonly Lazy<string?> Found = new(Find);

    /// <summary>The <c>shared</c> directory, or an exception saying where it was looked for.</summary>
    public static string Path => Found.Value ?? throw new DirectoryNotFoundException(
        "Could not find a directory containing 'shared/vectors' above " + AppContext.BaseDirectory +
        ". The compatibility tests need the shared vectors checked out beside the repository (<checkout>/../shared).");

    public static string Vectors => System.IO.Path.Combine(Path, "vectors");

    public static string Tools => System.IO.Path.Combine(Path, "tools");

    public static bool Exists => Found.Value is not null;

    private static string? Find()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            string candidate = System.IO.Path.Combine(dir.FullName, "shared");
            if (Directory.Exists(System.IO.Path.Combine(candidate, "vectors")))
            {
                return candidate;
            }
        }

        return null;
    }
}
