namespace Asherah.Cli.KeyTools;

/// <summary>
/// Reads the partition back out of an intermediate key id of one service and product: the inverse of the SDK's
/// <c>ik-id := "_IK_" partition "_" service "_" product [ "_" suffix ]</c>. The result is checked by the SDK itself: a
/// session of that partition refuses a record whose key id is not its own (<see cref="MetadataMissingException"/>).
/// </summary>
internal sealed class PartitionIds(string serviceId, string productId, string? suffix)
{
    private readonly string _tail = "_" + serviceId + "_" + productId;

    /// <summary>The partition of <paramref name="intermediateKeyId"/>, or <see langword="null"/> when it is not of this service and product.</summary>
    public string? PartitionOf(string intermediateKeyId)
    {
        if (!intermediateKeyId.StartsWith(Kinds.IntermediatePrefix, StringComparison.Ordinal))
        {
            return null;
        }

        var rest = intermediateKeyId.AsSpan(Kinds.IntermediatePrefix.Length);
        if (rest.EndsWith(_tail, StringComparison.Ordinal) && rest.Length > _tail.Length)
        {
            return rest[..^_tail.Length].ToString();
        }

        if (suffix is null)
        {
            return null;
        }

        // A suffixed id of any region: "_" service "_" product "_" token, the token without "_".
        int at = rest.LastIndexOf(_tail + "_", StringComparison.Ordinal);
        if (at <= 0)
        {
            return null;
        }

        var token = rest[(at + _tail.Length + 1)..];
        return token.Length > 0 && !token.Contains('_') ? rest[..at].ToString() : null;
    }
}
