using System.CommandLine;
using Asherah.Cli.KeyTools;

namespace Asherah.Cli.Commands;

/// <summary>The <c>--created T</c> option of <c>keys show</c> and <c>keys revoke</c>: one version of a key.</summary>
internal static class CreatedOption
{
    public const string Name = "--created";

    public static Option<string?> Create(string description) => new(Name) { Description = description };

    /// <summary>The time given, or <see langword="null"/> when the option is absent.</summary>
    public static DateTimeOffset? Get(ParseResult parseResult, Option<string?> option) =>
        parseResult.GetValue(option) is { } text ? KeyTime.Parse(text, Name) : null;
}
