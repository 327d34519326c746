using System.CommandLine;
using System.Globalization;
using Asherah.Cli.Vectors;

namespace Asherah.Cli.Commands;

/// <summary><c>asherah vectors generate --out FILE</c>: writes a vector file from this implementation.</summary>
internal static class VectorsGenerateCommand
{
    public static Command Create(CliConsole console)
    {
        var output = new Option<FileInfo>("--out", "-o") { Description = "The vector file to write.", Required = true };
        var partitions = new Option<int>("--partitions")
        {
            Description = "How many partitions (partition-1 ... partition-N).",
            DefaultValueFactory = _ => 3,
        };
        partitions.Validators.Add(result =>
        {
            if (result.GetValueOrDefault<int>() is < 1 or > 1000)
            {
                result.AddError("--partitions must be between 1 and 1000.");
            }
        });
        var sizes = new Option<string>("--sizes")
        {
            Description = "Comma-separated payload sizes in bytes.",
            DefaultValueFactory = _ => "0,1,16,64,1024,8192",
        };
        sizes.Validators.Add(result =>
        {
            if (ParseSizes(result.GetValueOrDefault<string>()) is null)
            {
                result.AddError("--sizes must be a comma-separated list of sizes from 0 to 16777216.");
            }
        });
        var product = new Option<string>("--product")
        {
            Description = "Product id.",
            DefaultValueFactory = _ => VectorGenerator.DefaultProduct,
        };
        var service = new Option<string>("--service")
        {
            Description = "Service id.",
            DefaultValueFactory = _ => VectorGenerator.DefaultService,
        };
        var masterKey = new Option<string>("--static-master-key")
        {
            Description = "Static master key written into the file (exactly 32 UTF-8 bytes; a test key, by design public).",
            DefaultValueFactory = _ => VectorGenerator.DefaultStaticMasterKey,
        };

        var command = new Command("generate", "Write a vector file of records made by this implementation.")
        {
            output, partitions, sizes, product, service, masterKey,
        };
        command.SetAction((parseResult, cancellationToken) => CommandRunner.RunAsync(console, async () =>
        {
            var generator = new VectorGenerator
            {
                Product = parseResult.GetValue(product)!,
                Service = parseResult.GetValue(service)!,
                StaticMasterKey = parseResult.GetValue(masterKey)!,
                Partitions = parseResult.GetValue(partitions),
                Sizes = ParseSizes(parseResult.GetValue(sizes))!,
            };
            var path = parseResult.GetValue(output)!.FullName;

            // Write beside the target and move into place, so a failure never leaves half a file.
            var temporary = path + ".tmp";
            await using (var stream = File.Create(temporary))
            {
                await generator.WriteAsync(stream, cancellationToken);
            }

            File.Move(temporary, path, overwrite: true);
            await console.Error.WriteLineAsync($"asherah: wrote {generator.Partitions * generator.Sizes.Count} cases to {path}");
            return 0;
        }));
        return command;
    }

    private static int[]? ParseSizes(string? text)
    {
        if (string.IsNullOrWhiteSpace(text))
        {
            return null;
        }

        var parts = text.Split(',', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries);
        var sizes = new int[parts.Length];
        for (int i = 0; i < parts.Length; i++)
        {
            if (!int.TryParse(parts[i], NumberStyles.None, CultureInfo.InvariantCulture, out sizes[i]) || sizes[i] > 16 * 1024 * 1024)
            {
                return null;
            }
        }

        return sizes.Length == 0 ? null : sizes;
    }
}
