using System.CommandLine;
using System.Globalization;
using System.Text.Json;
using Asherah.Cli.Configuration;
using Asherah.Cli.KeyTools;

namespace Asherah.Cli.Commands;

/// <summary>
/// <c>asherah keys list [--tree]</c>: every SK and IK record (id, created, revoked) as a table or JSON; with
/// <c>--tree</c>, the hierarchy (<see cref="KeyTree"/>) with each key's revoked and expired state. The table cuts ids longer
/// than <see cref="MaxIdWidth"/> characters with an ellipsis so one long partition id does not widen every row.
/// </summary>
/// <remarks>Reads only the metastore: it needs no master key and never prints key material.</remarks>
internal static class KeysListCommand
{
    public static Command Create(CliConsole console)
    {
        var json = new Option<bool>("--json") { Description = "Write a JSON array instead of a table (with --tree, a JSON object)." };
        var tree = new Option<bool>("--tree") { Description = "Show each system key with the intermediate keys under it, and whether each is revoked or expired." };
        var environment = new EnvironmentOptions();
        var command = new Command("list", "List the system keys (_SK_) and intermediate keys (_IK_) in the metastore.") { json, tree };
        environment.AddTo(command);
        command.SetAction((parseResult, cancellationToken) => CommandRunner.RunAsync(console, async () =>
        {
            var settings = environment.Resolve(parseResult, console);
            await using var host = AsherahHost.Open(settings);
            await host.EnsureTableAsync(cancellationToken);
            var records = new List<StoredKeyRecord>();
            await foreach (var record in host.Catalog.ListAsync(cancellationToken))
            {
                records.Add(record);
            }

            if (parseResult.GetValue(tree))
            {
                var keys = KeyTree.Build(records, new KeyInspector(host.Metastore, KeyInspector.PolicyOf(settings.Options), TimeProvider.System));
                if (parseResult.GetValue(json))
                {
                    await KeyOutput.WriteJsonAsync(console, keys.WriteJson, cancellationToken);
                }
                else
                {
                    Terminal.Plain(console.Out).Write(keys.ToRenderable());
                }
            }
            else if (parseResult.GetValue(json))
            {
                await WriteJsonAsync(console, records, cancellationToken);
            }
            else
            {
                await WriteTableAsync(console.Out, records);
            }

            return 0;
        }));
        return command;
    }

    /// <summary>The widest the ID column gets in the table; longer ids end in an ellipsis (<c>--json</c> keeps them whole).</summary>
    public const int MaxIdWidth = 60;

    private const string Ellipsis = "\u2026";

    /// <summary>
    /// <paramref name="text"/> cut to at most <paramref name="width"/> characters, the last being an ellipsis when cut;
    /// never splits a surrogate pair.
    /// </summary>
    internal static string Truncate(string text, int width)
    {
        if (text.Length <= width)
        {
            return text;
        }

        int keep = width - Ellipsis.Length;
        if (char.IsHighSurrogate(text[keep - 1]))
        {
            keep--;
        }

        return string.Concat(text.AsSpan(0, keep), Ellipsis);
    }

    private static string Iso(DateTimeOffset created) =>
        created.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss'Z'", CultureInfo.InvariantCulture);

    private static async Task WriteJsonAsync(CliConsole console, List<StoredKeyRecord> records, CancellationToken cancellationToken)
    {
        // keys := [{"id": s, "created": iso8601, "createdUnix": n, "revoked": bool}]
        await using (var writer = new Utf8JsonWriter(console.Output, new JsonWriterOptions { Indented = true }))
        {
            writer.WriteStartArray();
            foreach (var record in records)
            {
                writer.WriteStartObject();
                writer.WriteString("id", record.KeyId);
                writer.WriteString("created", Iso(record.Created));
                writer.WriteNumber("createdUnix", record.Created.ToUnixTimeSeconds());
                writer.WriteBoolean("revoked", record.Record.IsRevoked);
                writer.WriteEndObject();
            }

            writer.WriteEndArray();
            await writer.FlushAsync(cancellationToken);
        }

        await console.Output.WriteAsync("\n"u8.ToArray(), cancellationToken);
    }

    private static async Task WriteTableAsync(TextWriter output, List<StoredKeyRecord> records)
    {
        string[] header = ["ID", "CREATED (UTC)", "UNIX", "REVOKED"];
        var rows = records
            .Select(r => new[]
            {
                Truncate(r.KeyId, MaxIdWidth),
                Iso(r.Created),
                r.Created.ToUnixTimeSeconds().ToString(CultureInfo.InvariantCulture),
                r.Record.IsRevoked ? "yes" : "no",
            })
            .ToList();
        var widths = header.Select((h, i) => rows.Select(r => r[i].Length).Append(h.Length).Max()).ToArray();

        string Line(string[] cells) => string.Join("  ", cells.Select((c, i) => i == cells.Length - 1 ? c : c.PadRight(widths[i])));

        await output.WriteLineAsync(Line(header));
        foreach (var row in rows)
        {
            await output.WriteLineAsync(Line(row));
        }

        if (rows.Count == 0)
        {
            await output.WriteLineAsync("(no keys)");
        }
    }
}
