namespace Asherah.Tests.Crypto;

/// <summary>Finds the shared test data that lives beside the repository (<c>../shared/testdata</c>).</summary>
internal static class TestDataLocator
{
    /// <summary>
    /// Walks up from the test assembly until a directory holds <c>shared/testdata</c>. Throws when there is none:
    /// missing vectors must fail the run, never silently skip it.
    /// </summary>
    public static string Find(string relativePath)
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            var candidate = Path.Combine(dir.FullName, "shared", "testdata", relativePath);
            if (File.Exists(candidate))
            {
                return candidate;
            }
        }

        throw new FileNotFoundException(
            $"Test data 'shared/testdata/{relativePath}' was not found in any directory above {AppContext.BaseDirectory}. " +
            "Check out the shared folder beside the repository (../shared).");
    }
}
