namespace Asherah.Benchmarks.Aws;

/// <summary>Records and partition ids for the AWS benchmarks.</summary>
internal static class AwsRecords
{
    private static readonly string RunId = Guid.NewGuid().ToString("N")[..12];

    /// <summary>A partition id no run has used, so its intermediate key is neither cached nor stored.</summary>
    public static string NewPartition(string prefix, long n) => $"{prefix}-{RunId}-{n}";

    /// <summary>One record in each of <paramref name="count"/> new partitions, written through <paramref name="factory"/>.</summary>
    public static async Task<(string Partition, byte[] Record)[]> WriteAsync(SessionFactory factory, string prefix, int count, byte[] payload)
    {
        var records = new (string, byte[])[count];
        for (int i = 0; i < count; i++)
        {
            string partition = NewPartition(prefix, i);
            await using var session = factory.GetSessionBytes(partition);
            records[i] = (partition, await session.EncryptAsync(payload));
        }

        return records;
    }
}
