using System.Text.RegularExpressions;

namespace Asherah.Documentation.Tests;

/// <summary>The <c>```csharp</c> blocks of the repository's README, in order.</summary>
internal static partial class ReadmeSnippets
{
    public static string ReadmePath
    {
        get
        {
            for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
            {
                var candidate = Path.Combine(dir.FullName, "README.md");
                if (File.Exists(candidate) && File.Exists(Path.Combine(dir.FullName, "Asherah.sln")))
                {
                    return candidate;
                }
            }

            throw new FileNotFoundException("README.md beside Asherah.sln was not found above " + AppContext.BaseDirectory);
        }
    }

    public static IReadOnlyList<Snippet> All()
    {
        var text = File.ReadAllText(ReadmePath);
        var snippets = new List<Snippet>();
        foreach (Match m in Block().Matches(text))
        {
            int line = text.AsSpan(0, m.Index).Count('\n') + 1;
            snippets.Add(new Snippet(line, m.Groups["code"].Value));
        }

        return snippets;
    }

    [GeneratedRegex(@"^```csharp[ \t]*\r?\n(?<code>.*?)^```", RegexOptions.Multiline | RegexOptions.Singleline)]
    private static partial Regex Block();
}

/// <summary>One snippet and the README line it starts on.</summary>
internal sealed record Snippet(int Line, string Code)
{
    public override string ToString() => $"README.md line {Line}";
}
