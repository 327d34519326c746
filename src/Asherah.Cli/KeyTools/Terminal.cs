using Spectre.Console;

namespace Asherah.Cli.KeyTools;

/// <summary>Spectre.Console over one of the CLI's writers: plain text (no colours, no ANSI), wide enough for key ids.</summary>
internal static class Terminal
{
    /// <summary>Width used when the writer is not a terminal (files, pipes, tests), so rows do not wrap.</summary>
    public const int PipeWidth = 240;

    public static IAnsiConsole Plain(TextWriter writer)
    {
        var console = AnsiConsole.Create(new AnsiConsoleSettings
        {
            Ansi = AnsiSupport.No,
            ColorSystem = ColorSystemSupport.NoColors,
            Interactive = InteractionSupport.No,
            Out = new AnsiConsoleOutput(writer),
        });
        console.Profile.Width = PipeWidth;
        return console;
    }

    /// <summary>A console for live progress on standard error when it is a terminal, else <see langword="null"/>.</summary>
    public static IAnsiConsole? ProgressOrNull(CliConsole console)
    {
        if (!console.ErrorIsTerminal)
        {
            return null;
        }

        return AnsiConsole.Create(new AnsiConsoleSettings
        {
            Ansi = AnsiSupport.Detect,
            ColorSystem = ColorSystemSupport.Detect,
            Interactive = InteractionSupport.Yes,
            Out = new AnsiConsoleOutput(console.Error),
        });
    }
}
