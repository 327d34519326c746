using System.CommandLine;

namespace Asherah.Cli.Commands;

/// <summary><c>asherah keys</c>: inspect the key records in the metastore.</summary>
internal static class KeysCommand
{
    public static Command Create(CliConsole console) =>
        new("keys", "List, show, revoke and rotate the system and intermediate keys in the metastore.")
        {
            KeysListCommand.Create(console),
            KeysShowCommand.Create(console),
            KeysRevokeCommand.Create(console),
            KeysRotateCommand.Create(console),
        };
}
