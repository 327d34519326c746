using System.Text;

namespace Asherah.Cli;

/// <summary>The streams and environment one invocation runs against (the real console, or test doubles).</summary>
internal sealed class CliConsole : IAsyncDisposable
{
    private static readonly UTF8Encoding Utf8NoBom = new(encoderShouldEmitUTF8Identifier: false);

    public CliConsole(Stream input, Stream output, TextWriter error, IReadOnlyDictionary<string, string?> environment, bool errorIsTerminal = false)
    {
        ErrorIsTerminal = errorIsTerminal;
        Input = input;
        Output = output;
        Error = error;
        Environment = environment;
        Out = new StreamWriter(output, Utf8NoBom, bufferSize: 4096, leaveOpen: true) { AutoFlush = true, NewLine = "\n" };
    }

    /// <summary>Standard input as bytes (payloads and records are binary-safe).</summary>
    public Stream Input { get; }

    /// <summary>Standard output as bytes.</summary>
    public Stream Output { get; }

    /// <summary>Standard output as UTF-8 text (tables, JSON, summaries); auto-flushed so it interleaves with <see cref="Output"/>.</summary>
    public TextWriter Out { get; }

    /// <summary>Standard error: warnings and one-line failures.</summary>
    public TextWriter Error { get; }

    /// <summary>Whether standard error is an interactive terminal (live progress is drawn only then).</summary>
    public bool ErrorIsTerminal { get; }

    /// <summary>The environment variables options fall back to.</summary>
    public IReadOnlyDictionary<string, string?> Environment { get; }

    /// <summary>The value of an environment variable, or null when unset or empty.</summary>
    public string? GetVariable(string name) =>
        Environment.TryGetValue(name, out var value) && !string.IsNullOrEmpty(value) ? value : null;

    public async ValueTask DisposeAsync()
    {
        await Out.FlushAsync();
        await Output.FlushAsync();
        await Error.FlushAsync();
        await Out.DisposeAsync();
    }
}
