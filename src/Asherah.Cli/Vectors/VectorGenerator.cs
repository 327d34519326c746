using System.Reflection;
using System.Security.Cryptography;
using System.Text;
using System.Text.Encodings.Web;
using System.Text.Json;
using Asherah.KeyManagement;
using Asherah.Metastore;

namespace Asherah.Cli.Vectors;

/// <summary>Writes a vector file from this implementation, in the schema of shared/vectors/README.md.</summary>
internal sealed class VectorGenerator
{
    public const string DefaultProduct = "asherah-dotnet-prod";
    public const string DefaultService = "asherah-dotnet-svc";
    public const string DefaultStaticMasterKey = "thisIsAStaticMasterKeyForTesting";

    public string Product { get; init; } = DefaultProduct;

    public string Service { get; init; } = DefaultService;

    public string StaticMasterKey { get; init; } = DefaultStaticMasterKey;

    public int Partitions { get; init; } = 3;

    public IReadOnlyList<int> Sizes { get; init; } = [0, 1, 16, 64, 1024, 8192];

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

    public async Task WriteAsync(Stream output, CancellationToken cancellationToken)
    {
        var metastore = new InMemoryMetastore();
        var policy = new BasicExpiringCryptoPolicy();
        await using var factory = SessionFactory.NewBuilder(Product, Service)
            .WithMetastore(metastore)
            .WithCryptoPolicy(policy)
            .WithStaticKeyManagementService(StaticMasterKey)
            .Build();

        var cases = new List<(string Partition, byte[] Plaintext, byte[] Drr)>();
        for (int p = 1; p <= Partitions; p++)
        {
            string partition = $"partition-{p}";
            using var session = factory.GetSessionBytes(partition);
            foreach (int size in Sizes)
            {
                var payload = RandomNumberGenerator.GetBytes(size);
                cases.Add((partition, payload, await session.EncryptAsync(payload, cancellationToken)));
            }
        }

        string note = $"{Partitions} partitions x payload sizes {{{string.Join(',', Sizes)}}}, random bytes; bytes session; " +
                      $"BasicExpiringCryptoPolicy({policy.KeyExpiration.TotalDays:0} days, revoke check {policy.RevokeCheckInterval.TotalMinutes:0} min); " +
                      "static KMS with master key = UTF-8 bytes of staticMasterKey; in-memory metastore.";

        await using var writer = new Utf8JsonWriter(output, new JsonWriterOptions
        {
            Indented = true,

            // Keep base64 '+' and non-ASCII ids readable; the output is a file, never embedded in HTML.
            Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping,
        });
        writer.WriteStartObject();
        writer.WriteString("product", Product);
        writer.WriteString("service", Service);
        writer.WriteString("staticMasterKey", StaticMasterKey);
        writer.WriteNull("regionSuffix");
        writer.WriteString("note", note);
        writer.WriteString("generator", GeneratorName);

        writer.WriteStartArray("metastore");
        await foreach (var stored in metastore.ListAsync(cancellationToken))
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
        foreach (var (partition, plaintext, drr) in cases)
        {
            writer.WriteStartObject();
            writer.WriteString("partition", partition);
            writer.WriteBase64String("plaintext", plaintext);
            writer.WriteString("drr", Encoding.UTF8.GetString(drr));
            writer.WriteEndObject();
        }

        writer.WriteEndArray();
        writer.WriteEndObject();
        await writer.FlushAsync(cancellationToken);
        await output.WriteAsync("\n"u8.ToArray(), cancellationToken);
    }
}
