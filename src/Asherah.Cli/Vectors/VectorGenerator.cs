using System.Security.Cryptography;
using System.Text;
using System.Text.Encodings.Web;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace Asherah.Cli.Vectors;

/// <summary>
/// Writes vector files from this implementation, in the schema of shared/vectors/README.md: the basic shape alone
/// (<see cref="WriteAsync"/>), or one file per shape the canonical files cover (<see cref="Shapes"/>).
/// </summary>
internal sealed class VectorGenerator
{
    public const string DefaultProduct = "asherah-dotnet-prod";
    public const string DefaultService = "asherah-dotnet-svc";
    public const string DefaultStaticMasterKey = "thisIsAStaticMasterKeyForTesting";

    /// <summary>The region the suffixed files read in; the cross-region file's records were written in <see cref="WriterRegion"/>.</summary>
    public const string ReaderRegion = "us-west-2";

    /// <summary>The region the cross-region file's records were written in.</summary>
    public const string WriterRegion = "us-east-1";

    /// <summary>The rotation file's key expiry (a <see cref="BasicExpiringCryptoPolicy"/> on a manual clock).</summary>
    public static readonly TimeSpan RotationKeyExpiration = TimeSpan.FromDays(1);

    private static readonly string[] SuffixedPartitions = ["partition-1", "user_42", "tenant:acme/7"];

    public string Product { get; init; } = DefaultProduct;

    public string Service { get; init; } = DefaultService;

    public string StaticMasterKey { get; init; } = DefaultStaticMasterKey;

    public int Partitions { get; init; } = 3;

    public IReadOnlyList<int> Sizes { get; init; } = [0, 1, 16, 64, 1024, 8192];

    /// <summary>Every shape <c>vectors generate --all</c> writes: file name and how to make its content.</summary>
    public IReadOnlyList<(string FileName, Func<CancellationToken, Task<VectorContent>> Make)> Shapes =>
    [
        ("dotnet-basic.json", BasicAsync),
        ("dotnet-suffixed.json", SuffixedAsync),
        ("dotnet-suffixed-crossregion.json", CrossRegionAsync),
        ("dotnet-unicode.json", UnicodeAsync),
        ("dotnet-json-session.json", JsonSessionAsync),
        ("dotnet-large.json", LargeAsync),
        ("dotnet-rotation.json", RotationAsync),
    ];

    /// <summary>Writes the basic shape: <see cref="Partitions"/> partitions times <see cref="Sizes"/> random payloads.</summary>
    public async Task WriteAsync(Stream output, CancellationToken cancellationToken) =>
        await VectorWriter.WriteAsync(output, await BasicAsync(cancellationToken), cancellationToken);

    /// <summary><see cref="Partitions"/> partitions x <see cref="Sizes"/>, random bytes, default expiring policy.</summary>
    public async Task<VectorContent> BasicAsync(CancellationToken cancellationToken)
    {
        var policy = new BasicExpiringCryptoPolicy();
        var partitions = Enumerable.Range(1, Partitions).Select(p => $"partition-{p}").ToArray();
        var (metastore, cases) = await EncryptAsync(Product, Service, new InMemoryMetastore(), policy, null, partitions, Sizes, cancellationToken);
        string note = $"{Partitions} partitions x payload sizes {{{string.Join(',', Sizes)}}}, random bytes; bytes session; " +
                      $"BasicExpiringCryptoPolicy({policy.KeyExpiration.TotalDays:0} days, revoke check {policy.RevokeCheckInterval.TotalMinutes:0} min); " +
                      "static KMS with master key = UTF-8 bytes of staticMasterKey; in-memory metastore.";
        return new VectorContent(Product, Service, StaticMasterKey, null, note, metastore, cases);
    }

    /// <summary>A region-suffixed metastore: SK and IK ids end in <c>_us-west-2</c>.</summary>
    public async Task<VectorContent> SuffixedAsync(CancellationToken cancellationToken)
    {
        var (metastore, cases) = await EncryptAsync(
            Product, Service, new InMemoryMetastore(ReaderRegion), new BasicExpiringCryptoPolicy(), null, SuffixedPartitions, [0, 24, 1368], cancellationToken);
        string note = $"Region-suffixed partitions: the metastore's KeySuffix is \"{ReaderRegion}\", so SK id = _SK_{{service}}_{{product}}_{ReaderRegion}, " +
                      $"IK id = _IK_{{partition}}_{{service}}_{{product}}_{ReaderRegion}. Bytes session, random bytes.";
        return new VectorContent(Product, Service, StaticMasterKey, ReaderRegion, note, metastore, cases);
    }

    /// <summary>Records written in one region (<c>us-east-1</c>) to be read by a session of another (<c>us-west-2</c>).</summary>
    public async Task<VectorContent> CrossRegionAsync(CancellationToken cancellationToken)
    {
        var (metastore, cases) = await EncryptAsync(
            Product, Service, new InMemoryMetastore(WriterRegion), new BasicExpiringCryptoPolicy(), null, SuffixedPartitions[..2], [0, 88, 1368], cancellationToken);
        string note = $"CROSS-REGION READ: records and DRRs were written with metastore suffix \"{WriterRegion}\" (ids end in _{WriterRegion}); " +
                      $"regionSuffix here is the READER's suffix \"{ReaderRegion}\". An IK id starting with the un-suffixed " +
                      "_IK_{partition}_{service}_{product} is accepted, so these must decrypt. Bytes session, random bytes.";
        return new VectorContent(Product, Service, StaticMasterKey, ReaderRegion, note, metastore, cases);
    }

    /// <summary>Non-ASCII product, service and partition ids (emoji with ZWJ, NFC and NFD as distinct ids) and UTF-8 text.</summary>
    public async Task<VectorContent> UnicodeAsync(CancellationToken cancellationToken)
    {
        const string product = "продукт-製品-🛒";
        const string service = "サービス-⚙️-ünïcödé";
        string[] partitions = ["пользователь", "ユーザー", "👩\u200d💻-emoji-zwj", "caf\u00e9", "cafe\u0301", "混合_mixed-Ελληνικά-עברית"];
        string[] texts = ["", "Привет, мир", "こんにちは世界 🌏", "naïve café — ½ · ∑ · 𝄞", string.Concat(Enumerable.Repeat("👩‍💻🛒⚙️", 500))];
        await using var factory = Build(product, service, new InMemoryMetastore(), new BasicExpiringCryptoPolicy(), null, out var metastore);
        var cases = new List<GeneratedCase>();
        for (int p = 0; p < partitions.Length; p++)
        {
            using var session = factory.GetSessionBytes(partitions[p]);
            foreach (var text in p == 0 ? texts : texts[1..4])
            {
                var payload = Encoding.UTF8.GetBytes(text);
                cases.Add(new GeneratedCase(partitions[p], payload, await session.EncryptAsync(payload, cancellationToken)));
            }
        }

        string note = "Non-ASCII product/service/partition ids (incl. emoji with ZWJ and variation selector, NFC vs NFD 'café' as two " +
                      "distinct partitions) and UTF-8 text payloads; bytes session. Key ids embed the raw strings (no normalization).";
        return new VectorContent(product, service, StaticMasterKey, null, note, await ListAsync(metastore, cancellationToken), cases);
    }

    /// <summary>Records written by a JSON session; the plaintext is the compact UTF-8 JSON text the session encrypted.</summary>
    public async Task<VectorContent> JsonSessionAsync(CancellationToken cancellationToken)
    {
        var documents = new JsonObject[]
        {
            new() { ["id"] = 1, ["name"] = "Ada Lovelace", ["email"] = "ada@example.com", ["active"] = true },
            new() { ["nested"] = new JsonObject { ["list"] = new JsonArray(1, 2.5, "three", null, false) }, ["empty"] = new JsonObject() },
            new(),
            new() { ["unicode"] = "café ☕ 日本語 👩‍💻", ["escapes"] = "quote \" backslash \\ tab \t newline \n", ["html"] = "<a href='x'>&</a>" },
            new() { ["big"] = 12345678901234567L, ["negative"] = -42, ["fraction"] = 0.000125, ["exp"] = 1e300 },
            new() { ["blob"] = Convert.ToBase64String(RandomNumberGenerator.GetBytes(3000)), ["tags"] = new JsonArray("a", "b", "c") },
        };
        string[] partitions = ["json-user-1", "json-user-2"];
        await using var factory = Build(Product, Service, new InMemoryMetastore(), new BasicExpiringCryptoPolicy(), null, out var metastore);
        var cases = new List<GeneratedCase>();
        for (int i = 0; i < documents.Length; i++)
        {
            string partition = partitions[i % partitions.Length];
            using var session = factory.GetSessionJson(partition);

            // The bytes the JSON session encrypts, derived here independently: compact JSON, relaxed escaping.
            var plaintext = Encoding.UTF8.GetBytes(documents[i].ToJsonString(CompactRelaxed));
            cases.Add(new GeneratedCase(partition, plaintext, await session.EncryptAsync(documents[i], cancellationToken)));
        }

        string note = "JSON session (SessionFactory.GetSessionJson). plaintext = the exact UTF-8 bytes of the compact JSON text " +
                      "(System.Text.Json, relaxed escaping). drr is the DRR Encrypt returned, as UTF-8 text; it is the same DRR format " +
                      "as a bytes session, so it decrypts with a bytes session to exactly plaintext.";
        return new VectorContent(Product, Service, StaticMasterKey, null, note, await ListAsync(metastore, cancellationToken), cases);
    }

    /// <summary>One 1 MiB and one 4 MiB random payload.</summary>
    public async Task<VectorContent> LargeAsync(CancellationToken cancellationToken)
    {
        var (metastore, cases) = await EncryptAsync(
            Product, Service, new InMemoryMetastore(), new BasicExpiringCryptoPolicy(), null, ["large-partition"], [1 << 20, 4 << 20], cancellationToken);
        string note = "Large payloads: one 1 MiB (1048576 bytes) and one 4 MiB (4194304 bytes) random payload; bytes session.";
        return new VectorContent(Product, Service, StaticMasterKey, null, note, metastore, cases);
    }

    /// <summary>
    /// Key rotation: records written, then the clock moved past the key expiry of a <see cref="BasicExpiringCryptoPolicy"/>
    /// and more records written, so the file holds two system keys and two intermediate keys, and records under each.
    /// </summary>
    /// <exception cref="InvalidOperationException">The library did not rotate as expected (never for a correct library).</exception>
    public async Task<VectorContent> RotationAsync(CancellationToken cancellationToken)
    {
        const string partition = "rotating-partition";
        var policy = new BasicExpiringCryptoPolicy { KeyExpiration = RotationKeyExpiration };

        // Whole seconds in the past, so both generations of keys lie before now.
        var start = DateTimeOffset.FromUnixTimeSeconds(DateTimeOffset.UtcNow.ToUnixTimeSeconds()) - 3 * RotationKeyExpiration;
        var clock = new ManualTimeProvider(start);
        await using var factory = Build(Product, Service, new InMemoryMetastore(), policy, clock, out var metastore);
        var cases = new List<GeneratedCase>();
        for (int generation = 0; generation < 2; generation++)
        {
            if (generation > 0)
            {
                clock.Advance(RotationKeyExpiration + TimeSpan.FromHours(1));
            }

            using var session = factory.GetSessionBytes(partition);
            foreach (int size in new[] { 0, 32, 1024 })
            {
                var payload = RandomNumberGenerator.GetBytes(size);
                cases.Add(new GeneratedCase(partition, payload, await session.EncryptAsync(payload, cancellationToken)));
            }
        }

        var keys = await ListAsync(metastore, cancellationToken);
        int systemKeys = keys.Count(k => k.KeyId.StartsWith("_SK_", StringComparison.Ordinal));
        int intermediateKeys = keys.Count(k => k.KeyId.StartsWith("_IK_", StringComparison.Ordinal));
        if (systemKeys != 2 || intermediateKeys != 2)
        {
            throw new InvalidOperationException($"Rotation produced {systemKeys} system and {intermediateKeys} intermediate keys; expected 2 and 2.");
        }

        string note = $"Key rotation: BasicExpiringCryptoPolicy(KeyExpiration = {RotationKeyExpiration.TotalDays:0} day) on a manual clock " +
                      $"starting at unix {start.ToUnixTimeSeconds()}; 3 records, then the clock advanced by the expiry + 1 hour and 3 more " +
                      "records in a new session. The metastore holds two SKs and two IKs (same ids, different created); the first " +
                      "three records decrypt through the old IK and SK, the last three through the new ones.";
        return new VectorContent(Product, Service, StaticMasterKey, null, note, keys, cases);
    }

    private static readonly JsonSerializerOptions CompactRelaxed = new() { Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping };

    private SessionFactory Build(string product, string service, InMemoryMetastore metastore, CryptoPolicy policy, TimeProvider? clock, out InMemoryMetastore store)
    {
        store = metastore;
        var builder = SessionFactory.NewBuilder(product, service)
            .WithMetastore(metastore)
            .WithCryptoPolicy(policy)
            .WithStaticKeyManagementService(StaticMasterKey);
        if (clock is not null)
        {
            builder.WithTimeProvider(clock);
        }

        return builder.Build();
    }

    private async Task<(IReadOnlyList<StoredKeyRecord> Metastore, IReadOnlyList<GeneratedCase> Cases)> EncryptAsync(
        string product,
        string service,
        InMemoryMetastore metastore,
        CryptoPolicy policy,
        TimeProvider? clock,
        IEnumerable<string> partitions,
        IReadOnlyList<int> sizes,
        CancellationToken cancellationToken)
    {
        await using var factory = Build(product, service, metastore, policy, clock, out _);
        var cases = new List<GeneratedCase>();
        foreach (var partition in partitions)
        {
            using var session = factory.GetSessionBytes(partition);
            foreach (int size in sizes)
            {
                var payload = RandomNumberGenerator.GetBytes(size);
                cases.Add(new GeneratedCase(partition, payload, await session.EncryptAsync(payload, cancellationToken)));
            }
        }

        return (await ListAsync(metastore, cancellationToken), cases);
    }

    private static async Task<IReadOnlyList<StoredKeyRecord>> ListAsync(InMemoryMetastore metastore, CancellationToken cancellationToken)
    {
        var keys = new List<StoredKeyRecord>();
        await foreach (var stored in metastore.ListAsync(cancellationToken))
        {
            keys.Add(stored);
        }

        return keys;
    }
}
