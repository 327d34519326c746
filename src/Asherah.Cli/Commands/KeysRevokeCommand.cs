using System.CommandLine;
using Asherah.Cli.Configuration;
using Asherah.Cli.KeyTools;

namespace Asherah.Cli.Commands;

/// <summary>
/// <c>asherah keys revoke ID [--created T]</c>: sets the <c>Revoked</c> flag of one stored key (the newest version
/// unless <c>--created</c> names one). Records under it still decrypt; the next write that finds it newest makes a new key.
/// </summary>
/// <remarks>Writes only the metastore: it needs no master key.</remarks>
internal static class KeysRevokeCommand
{
    public static Command Create(CliConsole console)
    {
        var id = new Argument<string>("ID") { Description = "The key id to revoke." };
        var created = CreatedOption.Create("Revoke the version created at this time (Unix seconds or ISO 8601); default the newest.");
        var json = new Option<bool>("--json") { Description = "Write JSON instead of a sentence." };
        var environment = new EnvironmentOptions();
        var command = new Command("revoke", "Revoke a key: records under it still decrypt, new writes use a new key.") { id, created, json };
        environment.AddTo(command);
        command.SetAction((parseResult, cancellationToken) => CommandRunner.RunAsync(console, async () =>
        {
            var settings = environment.Resolve(parseResult, console);
            string keyId = parseResult.GetValue(id)!;
            var at = CreatedOption.Get(parseResult, created);
            await using var host = AsherahHost.Open(settings);
            await host.EnsureTableAsync(cancellationToken);
            var revoker = host.Revoker;
            var result = await KeyRevocation.RevokeAsync(host.Metastore, revoker, keyId, at, cancellationToken)
                ?? throw new CliException($"no key record '{keyId}'{(at is { } t ? " created at " + KeyTime.Iso(t) : string.Empty)} in the metastore.");
            await KeyRevocation.ReportAsync(console, parseResult.GetValue(json), result, cancellationToken);
            return 0;
        }));
        return command;
    }
}
