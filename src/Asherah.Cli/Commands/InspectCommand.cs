using System.CommandLine;
using System.Text.Json;
using Asherah.Cli.Configuration;
using Asherah.Cli.KeyTools;
using Spectre.Console;

namespace Asherah.Cli.Commands;

/// <summary>
/// <c>asherah inspect [--in FILE]</c>: which intermediate key and system key a data row record needs, and whether they
/// exist in the metastore, are revoked or expired, without decrypting anything.
/// </summary>
/// <remarks>
/// Reads only the metastore: it needs no master key, and says nothing about whether the record authenticates (only a
/// decrypt can). Exit 0 when both keys exist, 1 when one is missing or the input is not a data row record.
/// </remarks>
internal static class InspectCommand
{
    public static Command Create(CliConsole console)
    {
        var input = new PayloadInput();
        var json = new Option<bool>("--json") { Description = "Write JSON instead of a tree." };
        var environment = new EnvironmentOptions();
        var command = new Command("inspect", "Show which keys a data row record (standard input or --in FILE) needs and their state, without decrypting.")
        {
            input.Option,
            json,
        };
        environment.AddTo(command);
        command.SetAction((parseResult, cancellationToken) => CommandRunner.RunAsync(console, async () =>
        {
            var settings = environment.Resolve(parseResult, console);
            var bytes = await input.ReadAsync(parseResult, console, cancellationToken);
            if (!DataRowRecord.TryParse(bytes.AsSpan().Trim(" \t\r\n"u8), out var record))
            {
                throw new CliException("the input is not a well-formed data row record (JSON with Key.Created, Key.Key, Key.ParentKeyMeta and Data).");
            }

            await using var host = AsherahHost.Open(settings);
            await host.EnsureTableAsync(cancellationToken);
            var inspector = new KeyInspector(host.Metastore, KeyInspector.PolicyOf(settings.Options), TimeProvider.System);
            var ik = await inspector.LoadAsync(record.IntermediateKey.KeyId, record.IntermediateKey.Created, cancellationToken);
            KeyState? sk = ik.Record?.ParentKeyMeta is { } parent ? await inspector.LoadAsync(parent.KeyId, parent.Created, cancellationToken) : null;
            string? partition = new PartitionIds(settings.Options.ServiceId, settings.Options.ProductId, host.Metastore.KeySuffix)
                .PartitionOf(record.IntermediateKey.KeyId);
            bool keysPresent = ik.Exists && sk is { Exists: true };

            if (parseResult.GetValue(json))
            {
                // inspect := {"dataRowKeyCreated": iso8601, "dataRowKeyCreatedUnix": n, "dataBytes": n, "partition": s|null,
                //             "intermediateKey": key, "systemKey": key|null, "keysPresent": b}
                await KeyOutput.WriteJsonAsync(console, writer =>
                {
                    writer.WriteStartObject();
                    writer.WriteString("dataRowKeyCreated", KeyTime.Iso(record.Key.Created));
                    writer.WriteNumber("dataRowKeyCreatedUnix", record.Key.Created.ToUnixTimeSeconds());
                    writer.WriteNumber("dataBytes", record.Data.Length);
                    writer.WriteString("partition", partition);
                    writer.WriteStartObject("intermediateKey");
                    ik.WriteJsonMembers(writer);
                    writer.WriteEndObject();
                    if (sk is null)
                    {
                        writer.WriteNull("systemKey");
                    }
                    else
                    {
                        writer.WriteStartObject("systemKey");
                        sk.WriteJsonMembers(writer);
                        writer.WriteEndObject();
                    }

                    writer.WriteBoolean("keysPresent", keysPresent);
                    writer.WriteEndObject();
                }, cancellationToken);
            }
            else
            {
                var tree = new Tree(Markup.Escape(
                    $"record: data row key created {KeyTime.Iso(record.Key.Created)}, {record.Data.Length} bytes of data, partition {partition ?? "(not of this service and product)"}"));
                var ikNode = tree.AddNode(Markup.Escape($"intermediate key {ik.KeyId} @ {KeyTime.Iso(ik.Created)}: {ik.Status}"));
                if (sk is not null)
                {
                    ikNode.AddNode(Markup.Escape($"system key {sk.KeyId} @ {KeyTime.Iso(sk.Created)}: {sk.Status}"));
                }
                else if (ik.Exists)
                {
                    ikNode.AddNode("system key: the intermediate key names none");
                }
                else
                {
                    ikNode.AddNode("system key: unknown (the intermediate key is missing)");
                }

                Terminal.Plain(console.Out).Write(tree);
            }

            return keysPresent ? 0 : Cli.Failure;
        }));
        return command;
    }
}
