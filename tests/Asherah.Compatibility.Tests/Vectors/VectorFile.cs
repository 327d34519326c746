using System.Text.Json;
using Asherah.Envelope;
using Asherah.KeyManagement;
using Asherah.Metastore;

namespace Asherah.Compatibility.Tests.Vectors;

/// <summary>One vector file (schema: shared/vectors/README.md).</summary>
internal sealed class VectorFile
{
    private VectorFile(string name, JsonElement root)
    {
        Name = name;
        Product = root.GetProperty("product").GetString()!;
        Service = root.GetProperty("service").GetString()!;
        StaticMasterKey = root.GetProperty("staticMasterKey").GetString()!;
        RegionSuffix = root.TryGetProperty("regionSuffix", out var suffix) && suffix.ValueKind == JsonValueKind.String ? suffix.GetString() : null;
        Metastore = [.. root.GetProperty("metastore").EnumerateArray().Select(m => new MetastoreEntry(
            m.GetProperty("id").GetString()!,
            m.GetProperty("created").GetInt64(),
            m.GetProperty("keyRecord") is { ValueKind: JsonValueKind.String } text ? text.GetString()! : m.GetProperty("keyRecord").GetRawText()))];
        Cases = [.. root.GetProperty("cases").EnumerateArray().Select(c => new VectorCase(
            c.GetProperty("partition").GetString()!,
            Convert.FromBase64String(c.GetProperty("plaintext").GetString()!),
            c.GetProperty("drr").GetString()!,
            c.TryGetProperty("expect", out var expect) && expect.GetString() == "error",
            c.TryGetProperty("kind", out var kind) ? kind.GetString() : null))];
    }

    public string Name { get; }

    public string Product { get; }

    public string Service { get; }

    public string StaticMasterKey { get; }

    public string? RegionSuffix { get; }

    public IReadOnlyList<MetastoreEntry> Metastore { get; }

    public IReadOnlyList<VectorCase> Cases { get; }

    /// <summary>The names of every vector file, or a single marker entry when the directory is missing (the test then fails).</summary>
    public static IEnumerable<object[]> AllNames()
    {
        if (!SharedDirectory.Exists)
        {
            return [["<shared/vectors not found>"]];
        }

        return Directory.GetFiles(SharedDirectory.Vectors, "*.json")
            .Select(System.IO.Path.GetFileName)
            .Order(StringComparer.Ordinal)
            .Select(name => new object[] { name! });
    }

    public static VectorFile Load(string name)
    {
        string path = System.IO.Path.Combine(SharedDirectory.Vectors, name);
        Assert.True(File.Exists(path), $"Vector file {path} does not exist.");
        using var document = JsonDocument.Parse(File.ReadAllBytes(path), new JsonDocumentOptions { MaxDepth = 64 });
        return new VectorFile(name, document.RootElement);
    }

    /// <summary>A fresh metastore holding every entry of the file.</summary>
    public InMemoryMetastore NewMetastore()
    {
        var metastore = new InMemoryMetastore(RegionSuffix);
        foreach (var entry in Metastore)
        {
            var record = EnvelopeKeyRecord.Parse(entry.KeyRecordJson);
            bool stored = metastore.StoreAsync(entry.Id, DateTimeOffset.FromUnixTimeSeconds(entry.Created), record).AsTask().GetAwaiter().GetResult();
            Assert.True(stored, $"{Name}: duplicate metastore entry {entry.Id} at {entry.Created}.");
        }

        return metastore;
    }

    /// <summary>A factory over a fresh metastore with the file's product, service and master key.</summary>
    public SessionFactory NewFactory(CryptoPolicy? policy = null, TimeProvider? time = null)
    {
        var builder = SessionFactory.NewBuilder(Product, Service)
            .WithMetastore(NewMetastore())
            .WithCryptoPolicy(policy ?? new NeverExpiredCryptoPolicy())
            .WithStaticKeyManagementService(StaticMasterKey);
        if (time is not null)
        {
            builder.WithTimeProvider(time);
        }

        return builder.Build();
    }
}

internal sealed record MetastoreEntry(string Id, long Created, string KeyRecordJson);

internal sealed record VectorCase(string Partition, byte[] Plaintext, string Drr, bool ExpectError, string? Kind);
