using System.CommandLine;

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
}
