using System.CommandLine;
using System.Globalization;
using Asherah.Cli.Configuration;
using Asherah.Cli.Vectors;

namespace Asherah.Cli.Commands;

/// <summary>
/// <c>asherah vectors generate --out FILE</c>: writes a vector file from this implementation; <c>--all --out DIR</c> writes
/// one file per shape the canonical files cover (see <see cref="VectorGenerator.Shapes"/>).
/// </summary>
internal static class VectorsGenerateCommand
{
    public static Command Create(CliConsole console)
    {
        var output = new Option<string>("--out", "-o") { Description = "The vector file to write (with --all: the directory to write the files into).", Required = true };
        var all = new Option<bool>("--all")
        {
            Description = "Write one file per shape into the --out directory: basic, suffixed, cross-region, unicode, JSON session, " +
                          "large (1 and 4 MiB) and key rotation. --partitions and --sizes shape the basic file; --product and --service apply " +
                          "to all but the unicode file, which has its own non-ASCII ids.",
        };
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

        var command = new Command("generate", "Write a vector file of records made by this implementation (or, with --all, one per shape).")
        {
            output, all, partitions, sizes, product, service, masterKey,
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
            if (string.IsNullOrWhiteSpace(generator.Product) || string.IsNullOrWhiteSpace(generator.Service))
            {
                throw new InvalidSettingException("--product and --service must not be empty or only whitespace.");
            }

            if (System.Text.Encoding.UTF8.GetByteCount(generator.StaticMasterKey) != 32)
            {
                throw new InvalidSettingException("--static-master-key must be exactly 32 UTF-8 bytes.");
            }

            var outPath = parseResult.GetValue(output);
            if (string.IsNullOrWhiteSpace(outPath))
            {
                throw new InvalidSettingException("--out must not be empty.");
            }

            var path = Path.GetFullPath(outPath);
            if (!parseResult.GetValue(all))
            {
                if (Directory.Exists(path))
                {
                    throw new InvalidSettingException($"--out '{path}' is a directory; give a file, or add --all to write one file per shape into it.");
                }

                await WriteAtomicallyAsync(path, stream => generator.WriteAsync(stream, cancellationToken));
                await console.Error.WriteLineAsync($"asherah: wrote {generator.Partitions * generator.Sizes.Count} cases to {path}");
                return 0;
            }

            if (File.Exists(path))
            {
                throw new InvalidSettingException($"--out '{path}' is a file; with --all it must be a directory (created if missing).");
            }

            Directory.CreateDirectory(path);
            foreach (var (fileName, make) in generator.Shapes)
            {
                var content = await make(cancellationToken);
                var file = Path.Combine(path, fileName);
                await WriteAtomicallyAsync(file, stream => VectorWriter.WriteAsync(stream, content, cancellationToken));
                await console.Error.WriteLineAsync($"asherah: wrote {content.Cases.Count} cases to {file}");
            }

            return 0;
        }));
        return command;
    }

    /// <summary>Writes beside the target and moves into place, so a failure never leaves half a file.</summary>
    private static async Task WriteAtomicallyAsync(string path, Func<Stream, Task> write)
    {
        var temporary = path + ".tmp";
        try
        {
            await using (var stream = File.Create(temporary))
            {
                await write(stream);
            }

            File.Move(temporary, path, overwrite: true);
        }
        finally
        {
            File.Delete(temporary);
        }
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
