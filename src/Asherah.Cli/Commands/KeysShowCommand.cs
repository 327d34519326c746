using System.CommandLine;
using Asherah.Cli.Configuration;
using Asherah.Cli.KeyTools;
using Spectre.Console;

namespace Asherah.Cli.Commands;

/// <summary>
/// <c>asherah keys show ID [--created T]</c>: every stored version of one key (or the one created at T), with whether
/// it is revoked or expired under the configured <c>--expire-after</c>, and its parent key and that key's state.
/// </summary>
/// <remarks>Reads only the metastore: it needs no master key and never prints key material.</remarks>
internal static class KeysShowCommand
{
    public static Command Create(CliConsole console)
    {
        var id = new Argument<string>("ID") { Description = "The key id, e.g. _IK_user-42_asherah-cli_asherah-cli or _SK_asherah-cli_asherah-cli." };
        var created = CreatedOption.Create("Only the version created at this time (Unix seconds or ISO 8601).");
        var json = new Option<bool>("--json") { Description = "Write JSON instead of a table." };
        var environment = new EnvironmentOptions();
        var command = new Command("show", "Show the versions of one key: created, revoked, expired, and its parent key.") { id, created, json };
        environment.AddTo(command);
        command.SetAction((parseResult, cancellationToken) => CommandRunner.RunAsync(console, async () =>
        {
            var settings = environment.Resolve(parseResult, console);
            string keyId = parseResult.GetValue(id)!;
            var at = CreatedOption.Get(parseResult, created);
            await using var host = AsherahHost.Open(settings);
            await host.EnsureTableAsync(cancellationToken);
            var inspector = new KeyInspector(host.Metastore, KeyInspector.PolicyOf(settings.Options), TimeProvider.System);

            var versions = new List<KeyState>();
            if (at is { } time)
            {
                var state = await inspector.LoadAsync(keyId, time, cancellationToken);
                if (state.Exists)
                {
                    versions.Add(state);
                }
            }
            else
            {
                await foreach (var row in host.Catalog.ListAsync(cancellationToken))
                {
                    if (string.Equals(row.KeyId, keyId, StringComparison.Ordinal))
                    {
                        versions.Add(inspector.Judge(row.KeyId, row.Record));
                    }
                }
            }

            if (versions.Count == 0)
            {
                string when = at is { } t ? $" created at {KeyTime.Iso(t)}" : string.Empty;
                throw new CliException($"no key record '{keyId}'{when} in the metastore.");
            }

            var parents = new List<KeyState?>();
            foreach (var version in versions)
            {
                parents.Add(version.Record!.ParentKeyMeta is { } parent
                    ? await inspector.LoadAsync(parent.KeyId, parent.Created, cancellationToken)
                    : null);
            }

            if (parseResult.GetValue(json))
            {
                // show := {"id": s, "versions": [key & {"parentState": key | null}]}
                await KeyOutput.WriteJsonAsync(console, writer =>
                {
                    writer.WriteStartObject();
                    writer.WriteString("id", keyId);
                    writer.WriteStartArray("versions");
                    for (int i = 0; i < versions.Count; i++)
                    {
                        writer.WriteStartObject();
                        versions[i].WriteJsonMembers(writer);
                        if (parents[i] is { } parent)
                        {
                            writer.WriteStartObject("parentState");
                            parent.WriteJsonMembers(writer);
                            writer.WriteEndObject();
                        }

                        writer.WriteEndObject();
                    }

                    writer.WriteEndArray();
                    writer.WriteEndObject();
                }, cancellationToken);
                return 0;
            }

            var table = new Table().Border(TableBorder.Simple).Title(Markup.Escape(keyId) + " (" + versions[0].Kind + ")");
            table.AddColumns("CREATED (UTC)", "UNIX", "STATE", "PARENT", "PARENT STATE");
            for (int i = 0; i < versions.Count; i++)
            {
                var v = versions[i];
                var parent = v.Record!.ParentKeyMeta;
                table.AddRow(
                    KeyTime.Iso(v.Created),
                    v.Created.ToUnixTimeSeconds().ToString(System.Globalization.CultureInfo.InvariantCulture),
                    v.Status,
                    parent is null ? "-" : Markup.Escape(parent.KeyId + " @ " + KeyTime.Iso(parent.Created)),
                    parents[i]?.Status ?? "-");
            }

            Terminal.Plain(console.Out).Write(table);
            return 0;
        }));
        return command;
    }
}
