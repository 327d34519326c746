using System.Text;

namespace Asherah.KeyManagement;

/// <summary>The key ids of one partition.</summary>
/// <remarks>
/// <code>
/// sk-id := "_SK_" service "_" product [ "_" suffix ]
/// ik-id := "_IK_" partition "_" service "_" product [ "_" suffix ]
/// </code>
/// Plain concatenation, no escaping; note service before product. A suffix (a DynamoDB region) is appended when the
/// metastore reports one.
/// </remarks>
internal sealed class Partition
{
    private readonly byte[] _unsuffixedIntermediateKeyIdUtf8;
    private readonly string _unsuffixedSystemKeyId;

    public Partition(string partitionId, string serviceId, string productId, string? suffix)
    {
        PartitionId = partitionId;
        Suffix = string.IsNullOrEmpty(suffix) ? null : suffix;
        string sk = "_SK_" + serviceId + "_" + productId;
        string ik = "_IK_" + partitionId + "_" + serviceId + "_" + productId;
        _unsuffixedIntermediateKeyIdUtf8 = Encoding.UTF8.GetBytes(ik);
        _unsuffixedSystemKeyId = sk;
        SystemKeyId = Suffix is null ? sk : sk + "_" + Suffix;
        IntermediateKeyId = Suffix is null ? ik : ik + "_" + Suffix;
        IntermediateKeyIdUtf8 = Encoding.UTF8.GetBytes(IntermediateKeyId);
    }

    public string PartitionId { get; }

    public string? Suffix { get; }

    public string SystemKeyId { get; }

    public string IntermediateKeyId { get; }

    public byte[] IntermediateKeyIdUtf8 { get; }

    /// <summary>
    /// Whether a record whose parent is <paramref name="keyIdUtf8"/> belongs to this partition.
    /// </summary>
    /// <remarks>
    /// Unsuffixed partitions need an exact match. Suffixed partitions also accept the partition's id written in another
    /// region, or before suffixes were used: the unsuffixed id followed by nothing, or by <c>_</c> and one suffix token
    /// without <c>_</c>. (Canonical accepts any id that merely starts with the unsuffixed id, which lets partitions that
    /// share a prefix read each other's records; we do not.)
    /// </remarks>
    public bool IsValidIntermediateKeyId(ReadOnlySpan<byte> keyIdUtf8)
    {
        if (keyIdUtf8.SequenceEqual(IntermediateKeyIdUtf8))
        {
            return true;
        }

        if (Suffix is null || !keyIdUtf8.StartsWith(_unsuffixedIntermediateKeyIdUtf8))
        {
            return false;
        }

        var rest = keyIdUtf8[_unsuffixedIntermediateKeyIdUtf8.Length..];
        return rest.Length == 0 || (rest.Length > 1 && rest[0] == (byte)'_' && rest[1..].IndexOf((byte)'_') < 0);
    }

    /// <summary>
    /// Whether an intermediate key record whose parent is <paramref name="keyId"/> was encrypted under this partition's
    /// own system key, by the same rule as <see cref="IsValidIntermediateKeyId"/>.
    /// </summary>
    /// <remarks>
    /// Key ids are plain concatenations, so partition <c>a_b</c> of service <c>c</c> and partition <c>a</c> of service
    /// <c>b_c</c> share an intermediate key id; their system key ids differ. Checking the parent keeps one service from
    /// using or reading the other's intermediate keys. (Canonical accepts any parent.)
    /// </remarks>
    public bool IsValidSystemKeyId(string keyId)
    {
        if (string.Equals(keyId, SystemKeyId, StringComparison.Ordinal))
        {
            return true;
        }

        if (Suffix is null || !keyId.StartsWith(_unsuffixedSystemKeyId, StringComparison.Ordinal))
        {
            return false;
        }

        var rest = keyId.AsSpan(_unsuffixedSystemKeyId.Length);
        return rest.Length == 0 || (rest.Length > 1 && rest[0] == '_' && !rest[1..].Contains('_'));
    }
}
