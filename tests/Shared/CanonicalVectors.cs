using System.Text.Json;

namespace Asherah.Tests.Shared;

/// <summary>
/// The interoperability vectors of <c>shared/vectors</c> (schema in its README): what canonical Asherah stored in its
/// metastore and the data row records it wrote, found by walking up from the test binaries to <c>shared/vectors</c>.
/// </summary>
public sealed class CanonicalVectors
{
    private CanonicalVectors(string name, JsonElement root)
    {
        Name = name;
        Product = root.GetProperty("product").GetString()!;
        Service = root.GetProperty("service").GetString()!;
        StaticMasterKey = root.GetProperty("staticMasterKey").GetString()!;
        RegionSuffix = root.GetProperty("regionSuffix") is { ValueKind: JsonValueKind.String } suffix ? suffix.GetString() : null;
        Rows = [.. root.GetProperty("metastore").EnumerateArray().Select(m => new CanonicalRow(
            m.GetProperty("id").GetString()!,
            DateTimeOffset.FromUnixTimeSeconds(m.GetProperty("created").GetInt64()),
            JsonSerializer.Serialize(m.GetProperty("keyRecord"))))]; // compact, as canonical stores it
        Cases = [.. root.GetProperty("cases").EnumerateArray()
            .Where(c => !(c.TryGetProperty("expect", out var expect) && expect.GetString() == "error"))
            .Select(c => new CanonicalCase(
                c.GetProperty("partition").GetString()!,
                Convert.FromBase64String(c.GetProperty("plaintext").GetString()!),
                c.GetProperty("drr").GetString()!))];
    }

    public string Name { get; }

    public string Product { get; }

    public string Service { get; }

    public string StaticMasterKey { get; }

    public string? RegionSuffix { get; }

    /// <summary>The metastore rows canonical Asherah stored.</summary>
    public IReadOnlyList<CanonicalRow> Rows { get; }

    /// <summary>The records that must decrypt (damaged ones are left out).</summary>
    public IReadOnlyList<CanonicalCase> Cases { get; }

    /// <summary>The files whose metastore has no region suffix (what a SQL metastore can hold), with records to decrypt.</summary>
    public static IReadOnlyList<CanonicalVectors> Unsuffixed() =>
        [.. Directory.GetFiles(Find(), "canonical-*.json").Order(StringComparer.Ordinal).Select(Load)
            .Where(v => v.RegionSuffix is null && v.Cases.Count > 0)];

    private static CanonicalVectors Load(string path)
    {
        using var document = JsonDocument.Parse(File.ReadAllBytes(path));
        return new CanonicalVectors(Path.GetFileName(path), document.RootElement);
    }

    private static string Find()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            string candidate = Path.Combine(dir.FullName, "shared", "vectors");
            if (Directory.Exists(candidate))
            {
                return candidate;
            }
        }

        throw new DirectoryNotFoundException(
            $"shared/vectors was not found above {AppContext.BaseDirectory}; check ../shared out beside the repository.");
    }
}

/// <summary>A metastore row as canonical Asherah stored it: the key record is its compact JSON text.</summary>
public sealed record CanonicalRow(string Id, DateTimeOffset Created, string KeyRecordJson);

/// <summary>A data row record canonical Asherah wrote for <see cref="Partition"/>, and its plaintext.</summary>
public sealed record CanonicalCase(string Partition, byte[] Plaintext, string DataRowRecord);
