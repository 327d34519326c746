using System.CommandLine;
using Asherah.Cli.Configuration;

namespace Asherah.Cli.Commands;

/// <summary>The <c>--partition</c> option shared by encrypt and decrypt.</summary>
internal static class PartitionOption
{
    public const string Default = "default";

    public static Option<string> Create() => new("--partition", "-p")
    {
        Description = "Partition id.",
        DefaultValueFactory = _ => Default,
    };

    /// <summary>The partition id given; an empty or whitespace-only id is a usage error.</summary>
    public static string Get(ParseResult parseResult, Option<string> option)
    {
        var value = parseResult.GetValue(option);
        if (string.IsNullOrWhiteSpace(value))
        {
            throw new InvalidSettingException("--partition must not be empty or only whitespace.");
        }

        return value;
    }
}
