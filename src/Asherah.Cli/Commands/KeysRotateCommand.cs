using System.CommandLine;
using Asherah.Cli.Configuration;
using Asherah.Cli.KeyTools;

namespace Asherah.Cli.Commands;

/// <summary>
/// <c>asherah keys rotate --partition P | --system</c>: revokes the partition's newest intermediate key (or the
/// service's newest system key), so the next write creates a new one. Key ids come from the SDK
/// (<see cref="Session{TPayload, TDataRowRecord}.IntermediateKeyId"/>, <see cref="SessionFactory.SystemKeyId"/>), region
/// suffix included.
/// </summary>
/// <remarks>
/// Keys are created at whole minutes, and the metastore keeps one key per id and minute: a key revoked in the minute it
/// was created is replaced from the next minute on (writes until then find the revoked key the winner of that minute).
/// The command says so on standard error.
/// </remarks>
internal static class KeysRotateCommand
{
    public static Command Create(CliConsole console)
    {
        var partition = new Option<string?>("--partition", "-p") { Description = "Rotate this partition's intermediate key." };
        var system = new Option<bool>("--system") { Description = "Rotate the service's system key (every partition's next intermediate key is made under a new one)." };
        var json = new Option<bool>("--json") { Description = "Write JSON instead of a sentence." };
        var environment = new EnvironmentOptions();
        var command = new Command("rotate", "Rotate a key: revoke the newest intermediate key of a partition (or the system key), so the next write makes a new one.")
        {
            partition,
            system,
            json,
        };
        environment.AddTo(command);
        command.SetAction((parseResult, cancellationToken) => CommandRunner.RunAsync(console, async () =>
        {
            var settings = environment.Resolve(parseResult, console);
            string? partitionId = parseResult.GetValue(partition);
            bool isSystem = parseResult.GetValue(system);
            if ((partitionId is null) == !isSystem)
            {
                throw new InvalidSettingException("keys rotate needs exactly one of --partition P or --system.");
            }

            if (partitionId is not null && string.IsNullOrWhiteSpace(partitionId))
            {
                throw new InvalidSettingException("--partition must not be empty or only whitespace.");
            }

            await using var host = AsherahHost.Open(settings);
            var revoker = host.Revoker;
            var factory = host.GetFactory(console.Error);
            await host.EnsureTableAsync(cancellationToken);
            string keyId;
            if (partitionId is not null)
            {
                using var session = factory.GetSessionBytes(partitionId);
                keyId = session.IntermediateKeyId;
            }
            else
            {
                keyId = factory.SystemKeyId;
            }

            var result = await KeyRevocation.RevokeAsync(host.Metastore, revoker, keyId, null, cancellationToken);
            bool asJson = parseResult.GetValue(json);
            if (result is null)
            {
                // Nothing to rotate: the first write creates the key anyway.
                if (asJson)
                {
                    await KeyOutput.WriteJsonAsync(console, writer =>
                    {
                        writer.WriteStartObject();
                        writer.WriteString("id", keyId);
                        writer.WriteBoolean("revoked", false);
                        writer.WriteString("reason", "no key yet: the next write creates one");
                        writer.WriteEndObject();
                    }, cancellationToken);
                }
                else
                {
                    await console.Out.WriteLineAsync($"no key {keyId} yet: the next write creates one");
                }

                return 0;
            }

            // The next key's minute: a key created this minute cannot be replaced before the next one.
            var now = DateTimeOffset.UtcNow;
            var nextMinute = DateTimeOffset.FromUnixTimeSeconds(now.ToUnixTimeSeconds() / 60 * 60);
            bool sameMinute = result.Created >= nextMinute;
            if (sameMinute)
            {
                nextMinute = nextMinute.AddMinutes(1);
                await console.Error.WriteLineAsync(
                    $"asherah: warning: {keyId} was created this minute; a new key can be created from {KeyTime.Iso(nextMinute)} on, writes until then still use the revoked key.");
            }

            await KeyRevocation.ReportAsync(console, asJson, result, cancellationToken, writer =>
                writer.WriteString("newKeyFrom", KeyTime.Iso(nextMinute)));
            return 0;
        }));
        return command;
    }
}
