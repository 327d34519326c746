using System.Text;

namespace Asherah.Cli.Vectors;

/// <summary>
/// Checks a vector file with this implementation: load its metastore into a fresh in-memory metastore (with its
/// region suffix), build a factory over its product, service and static master key with a never-expiring policy, and
/// decrypt every case in a bytes session for its partition.
/// </summary>
/// <remarks>
/// An error case passes only when decryption throws an <see cref="AsherahException"/> (the library's documented
/// failures) within <see cref="ErrorCaseTimeout"/>; returning data, any other exception, or hanging fails it.
/// </remarks>
internal static class VectorVerifier
{
    public static readonly TimeSpan ErrorCaseTimeout = TimeSpan.FromSeconds(5);

    public static async Task<VectorReport> VerifyAsync(VectorFile file, CancellationToken cancellationToken)
    {
        var metastore = new InMemoryMetastore(file.RegionSuffix);
        foreach (var entry in file.Metastore)
        {
            await metastore.StoreAsync(entry.Id, entry.Created, entry.Record, cancellationToken);
        }

        await using var factory = SessionFactory.NewBuilder(file.Product, file.Service)
            .WithMetastore(metastore)
            .WithNeverExpiredCryptoPolicy()
            .WithStaticKeyManagementService(file.StaticMasterKey)
            .Build();

        int passed = 0;
        var failures = new List<string>();
        foreach (var vector in file.Cases)
        {
            var failure = vector.ExpectError
                ? await CheckRefusedAsync(factory, vector, cancellationToken)
                : await CheckDecryptsAsync(factory, vector, cancellationToken);
            if (failure is null)
            {
                passed++;
            }
            else
            {
                failures.Add($"case {vector.Index} (partition '{vector.Partition}'{(vector.Kind is null ? string.Empty : $", kind {vector.Kind}")}): {failure}");
            }
        }

        return new VectorReport(passed, failures);
    }

    private static async Task<string?> CheckDecryptsAsync(SessionFactory factory, VectorCase vector, CancellationToken cancellationToken)
    {
        try
        {
            using var session = factory.GetSessionBytes(vector.Partition);
            var payload = await session.DecryptAsync(Encoding.UTF8.GetBytes(vector.Drr), cancellationToken);
            return payload.AsSpan().SequenceEqual(vector.Plaintext)
                ? null
                : $"decrypted {payload.Length} bytes that differ from the expected {vector.Plaintext.Length}";
        }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            return $"decryption failed: {ex.GetType().Name}: {ex.Message}";
        }
    }

    private static async Task<string?> CheckRefusedAsync(SessionFactory factory, VectorCase vector, CancellationToken cancellationToken)
    {
        // On the thread pool so a record that makes the library hang is reported after the timeout, not waited out.
        var attempt = Task.Run(
            async () =>
            {
                using var session = factory.GetSessionBytes(vector.Partition);
                return await session.DecryptAsync(Encoding.UTF8.GetBytes(vector.Drr), cancellationToken);
            },
            cancellationToken);
        try
        {
            var payload = await attempt.WaitAsync(ErrorCaseTimeout, cancellationToken);
            return $"expected an error, but decryption returned {payload.Length} bytes";
        }
        catch (TimeoutException)
        {
            return $"expected an error, but decryption did not finish within {ErrorCaseTimeout.TotalSeconds:0} s";
        }
        catch (AsherahException)
        {
            return null;
        }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            return $"expected an Asherah exception, got {ex.GetType().FullName}: {ex.Message}";
        }
    }
}
