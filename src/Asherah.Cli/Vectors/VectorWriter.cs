using System.Reflection;
using System.Text;
using System.Text.Encodings.Web;
using System.Text.Json;

namespace Asherah.Cli.Vectors;

/// <summary>Writes <see cref="VectorContent"/> in the schema of shared/vectors/README.md.</summary>
internal static class VectorWriter
{
    /// <summary>"asherah-dotnet" and the library's informational version.</summary>
    public static string GeneratorName
    {
        get
        {
            var assembly = typeof(SessionFactory).Assembly;
            var version = assembly.GetCustomAttribute<AssemblyInformationalVersionAttribute>()?.InformationalVersion
                          ?? assembly.GetName().Version?.ToString()
                          ?? "unknown";
            return $"asherah-dotnet {version}";
        }
    }

    public static async Task WriteAsync(Stream output, VectorContent content, CancellationToken cancellationToken)
    {
        await using var writer = new Utf8JsonWriter(output, new JsonWriterOptions
        {
            Indented = true,

            // Keep base64 '+' and non-ASCII ids readable; the output is a file, never embedded in HTML.
            Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping,
        });
        writer.WriteStartObject();
        writer.WriteString("product", content.Product);
        writer.WriteString("service", content.Service);
        writer.WriteString("staticMasterKey", content.StaticMasterKey);
        if (content.RegionSuffix is null)
        {
            writer.WriteNull("regionSuffix");
        }
        else
        {
            writer.WriteString("regionSuffix", content.RegionSuffix);
        }

        writer.WriteString("note", content.Note);
        writer.WriteString("generator", GeneratorName);

        writer.WriteStartArray("metastore");
        foreach (var stored in content.Metastore)
        {
            writer.WriteStartObject();
            writer.WriteString("id", stored.KeyId);
            writer.WriteNumber("created", stored.Created.ToUnixTimeSeconds());

            // The record as a JSON object, exactly as the library serializes it for a metastore.
            writer.WritePropertyName("keyRecord");
            using (var record = JsonDocument.Parse(stored.Record.ToJson()))
            {
                record.RootElement.WriteTo(writer);
            }

            writer.WriteEndObject();
        }

        writer.WriteEndArray();

        writer.WriteStartArray("cases");
        foreach (var item in content.Cases)
        {
            writer.WriteStartObject();
            writer.WriteString("partition", item.Partition);
            writer.WriteBase64String("plaintext", item.Plaintext);
            writer.WriteString("drr", Encoding.UTF8.GetString(item.Drr));
            writer.WriteEndObject();

            // Large payloads: hand each case to the stream rather than buffering the whole file.
            await writer.FlushAsync(cancellationToken);
        }

        writer.WriteEndArray();
        writer.WriteEndObject();
        await writer.FlushAsync(cancellationToken);
        await output.WriteAsync("\n"u8.ToArray(), cancellationToken);
    }
}
