using System.Text.Json;

namespace Asherah.Cli.Vectors;

/// <summary>
/// A vector file (shared/vectors/README.md):
/// <c>file := {"product", "service", "staticMasterKey", "regionSuffix": null|s, "note", "generator",
/// "metastore": [{"id", "created": unix, "keyRecord": ekr}], "cases": [{"partition", "plaintext": b64, "drr": json-text,
/// ["expect": "error", "kind"]}]}</c>.
/// </summary>
/// <remarks>
/// The file itself is shallow; damaged records (deep nesting, garbage) are JSON <em>strings</em> inside it, so the
/// default reader depth suffices and the records go to the library untouched.
/// </remarks>
internal sealed class VectorFile
{
    /// <summary>The top-level keys, in the order writers emit them.</summary>
    public static readonly string[] TopLevelKeys = ["product", "service", "staticMasterKey", "regionSuffix", "note", "generator", "metastore", "cases"];

    public required string Product { get; init; }

    public required string Service { get; init; }

    public required string StaticMasterKey { get; init; }

    public string? RegionSuffix { get; init; }

    public string? Note { get; init; }

    public string? Generator { get; init; }

    public required IReadOnlyList<VectorKeyEntry> Metastore { get; init; }

    public required IReadOnlyList<VectorCase> Cases { get; init; }

    public override string ToString() => $"VectorFile {{ Product = {Product}, Service = {Service}, Cases = {Cases.Count} }}";

    /// <summary>Reads and validates a vector file.</summary>
    /// <exception cref="InvalidDataException">The file does not follow the schema.</exception>
    public static async Task<VectorFile> LoadAsync(string path, CancellationToken cancellationToken)
    {
        await using var stream = File.OpenRead(path);
        using var document = await JsonDocument.ParseAsync(stream, default, cancellationToken);
        try
        {
            return FromJson(document.RootElement);
        }
        catch (Exception ex) when (ex is KeyNotFoundException or InvalidOperationException or FormatException or AsherahException)
        {
            throw new InvalidDataException($"not a vector file: {ex.Message}", ex);
        }
    }

    private static VectorFile FromJson(JsonElement root)
    {
        var metastore = new List<VectorKeyEntry>();
        foreach (var entry in root.GetProperty("metastore").EnumerateArray())
        {
            var keyRecord = entry.GetProperty("keyRecord");

            // The schema stores the record as an object; accept its JSON text as a string too.
            var record = keyRecord.ValueKind == JsonValueKind.String
                ? EnvelopeKeyRecord.Parse(keyRecord.GetString()!)
                : EnvelopeKeyRecord.Parse(keyRecord.GetRawText());
            metastore.Add(new VectorKeyEntry(
                entry.GetProperty("id").GetString()!,
                DateTimeOffset.FromUnixTimeSeconds(entry.GetProperty("created").GetInt64()),
                record));
        }

        var cases = new List<VectorCase>();
        int index = 0;
        foreach (var item in root.GetProperty("cases").EnumerateArray())
        {
            bool expectError = item.TryGetProperty("expect", out var expect) && expect.ValueKind == JsonValueKind.String &&
                               expect.GetString() == "error";
            cases.Add(new VectorCase(
                index++,
                item.GetProperty("partition").GetString()!,
                Convert.FromBase64String(item.GetProperty("plaintext").GetString()!),
                item.GetProperty("drr").GetString()!,
                expectError,
                item.TryGetProperty("kind", out var kind) && kind.ValueKind == JsonValueKind.String ? kind.GetString() : null));
        }

        return new VectorFile
        {
            Product = root.GetProperty("product").GetString()!,
            Service = root.GetProperty("service").GetString()!,
            StaticMasterKey = root.GetProperty("staticMasterKey").GetString()!,
            RegionSuffix = OptionalString(root, "regionSuffix"),
            Note = OptionalString(root, "note"),
            Generator = OptionalString(root, "generator"),
            Metastore = metastore,
            Cases = cases,
        };
    }

    private static string? OptionalString(JsonElement root, string name) =>
        root.TryGetProperty(name, out var value) && value.ValueKind == JsonValueKind.String ? value.GetString() : null;
}
