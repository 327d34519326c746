namespace Asherah.Documentation.Tests;

/// <summary>Every C# snippet in the README compiles as written, usings included, with no warnings.</summary>
public class ReadmeSnippetTests
{
    public static TheoryData<int> Snippets()
    {
        var data = new TheoryData<int>();
        for (int i = 0; i < ReadmeSnippets.All().Count; i++)
        {
            data.Add(i);
        }

        return data;
    }

    [Fact]
    public void TheReadme_HasItsCSharpSnippets()
    {
        // The quick start, dependency injection and configuration examples at least.
        Assert.True(ReadmeSnippets.All().Count >= 3, $"found {ReadmeSnippets.All().Count} snippets in {ReadmeSnippets.ReadmePath}");
    }

    [Theory]
    [MemberData(nameof(Snippets))]
    public void Snippet_CompilesAsWritten(int index)
    {
        var snippet = ReadmeSnippets.All()[index];

        var diagnostics = SnippetCompiler.Compile(snippet.Code);

        Assert.True(diagnostics.Count == 0, $"{snippet}:\n" + string.Join("\n", diagnostics.Select(d => d.ToString())));
    }

    [Fact]
    public void TheCompiler_RejectsABrokenSnippet()
    {
        // The check itself must be able to fail.
        Assert.NotEmpty(SnippetCompiler.Compile("var factory = SessionFactory.NewBuilder(\"p\", \"s\").WithNoSuchThing();"));
    }
}
