using System.Text;
using Asherah.Kms.Aws.TestServer;
using Asherah.Metastore.DynamoDb.Tests;
using Asherah.Tests.Shared;
using Microsoft.Extensions.Time.Testing;
using static Asherah.Aws.Tests.AwsDeployment;

namespace Asherah.Aws.Tests;

/// <summary>
/// The product as an application on AWS runs it: sessions over DynamoDB (dynalite) and AWS KMS in three regions (the KMS
/// test server), while the preferred KMS region first fails and then hangs in the middle of the run.
/// </summary>
[RequiresEnvironment(Dynalite.Variable, Dynalite.HowToSet)]
public sealed class FailoverRunTests
{
    // 20 epochs of 20 operations: every epoch is a new factory (a process restart: nothing cached), one hour later than
    // the last, and system and intermediate keys expire after 2.5 hours, so new system keys are made (KMS GenerateDataKey
    // and Encrypt) every two or three epochs and every factory opens the ones it needs (KMS Decrypt).
    private const int Epochs = 20;
    private const int OperationsPerEpoch = 20;
    private const int Operations = Epochs * OperationsPerEpoch;
    private const int Partitions = 53;
    private const int FailAt = 134;
    private const int HangAt = 267;

    // Short enough that the hanging phase stays quick, long enough that a healthy region answers on a loaded machine
    // (300 ms was not, for a cold client at a load average of 12; see KmsOutageTests).
    private static readonly TimeSpan RegionTimeout = TimeSpan.FromSeconds(1);

    private static readonly DateTimeOffset Start = new(2030, 1, 1, 0, 0, 30, TimeSpan.Zero);

    [Fact]
    public async Task ARunOf400EncryptsAndDecrypts_OverFreshFactories_SurvivesThePreferredRegionFailingThenHanging_WithZeroFailures()
    {
        await using var kmsServer = await StartKmsAsync();
        await using var west = new AwsDeployment(kmsServer, Dynalite.Endpoint, West, Dynalite.NewTableName());
        await west.EnsureTableAsync();
        var kms = west.NewKms(RegionTimeout);
        var time = new FakeTimeProvider(Start);
        var policy = new BasicExpiringCryptoPolicy { KeyExpiration = TimeSpan.FromHours(2.5) };
        string product = "prod" + Guid.NewGuid().ToString("N");

        var records = new List<(string Partition, byte[] Payload, byte[] Record)>();
        var failures = new List<string>();
        var phases = new Dictionary<string, RequestCounts>();
        int encrypted = 0;
        int decrypted = 0;

        for (int epoch = 0; epoch < Epochs; epoch++)
        {
            time.Advance(TimeSpan.FromHours(1));
            await using var factory = west.NewFactory(product, kms, policy, time);

            // Records of earlier epochs only: their keys are not in this factory's caches.
            (string Partition, byte[] Payload, byte[] Record)[] earlier;
            lock (records)
            {
                earlier = [.. records];
            }

            await Parallel.ForEachAsync(
                Enumerable.Range(epoch * OperationsPerEpoch, OperationsPerEpoch),
                new ParallelOptions { MaxDegreeOfParallelism = 4 },
                async (i, token) =>
                {
                    if (i == FailAt || i == HangAt)
                    {
                        lock (phases)
                        {
                            phases[i == FailAt ? "healthy" : "failing"] = RequestCounts.Take(kmsServer);
                        }

                        kmsServer.SetFault(West, i == FailAt ? KmsFault.Fail : KmsFault.Hang);
                    }

                    var partition = $"partition-{i % Partitions}";
                    var payload = Encoding.UTF8.GetBytes($"record {i} of {product}");
                    try
                    {
                        byte[] record;
                        using (var session = factory.GetSessionBytes(partition))
                        {
                            record = await session.EncryptAsync(payload, token);
                        }

                        Interlocked.Increment(ref encrypted);
                        lock (records)
                        {
                            records.Add((partition, payload, record));
                        }

                        // A record is read in a session of its own partition (Asherah refuses another partition's).
                        var (olderPartition, expected, older) = earlier.Length > 0 ? earlier[(i * 7919) % earlier.Length] : (partition, payload, record);
                        using (var session = factory.GetSessionBytes(olderPartition))
                        {
                            if ((await session.DecryptAsync(older, token)).AsSpan().SequenceEqual(expected))
                            {
                                Interlocked.Increment(ref decrypted);
                            }
                            else
                            {
                                Record(failures, $"operation {i}: decrypt returned other bytes");
                            }
                        }
                    }
                    catch (AsherahException e)
                    {
                        Record(failures, $"operation {i}: {e}");
                    }
                });
        }

        phases["hanging"] = RequestCounts.Take(kmsServer);

        Assert.True(failures.Count == 0, $"{failures.Count} failed operation(s):\n" + string.Join("\n", failures));
        Assert.Equal(Operations, encrypted);
        Assert.Equal(Operations, decrypted);

        // Every record of the run still opens in a factory that has cached nothing, with the region still hanging.
        time.Advance(TimeSpan.FromHours(1));
        await using (var last = west.NewFactory(product, kms, policy, time))
        {
            foreach (var (partition, payload, record) in records)
            {
                using var session = last.GetSessionBytes(partition);
                Assert.Equal(payload, await session.DecryptAsync(record));
            }
        }

        // The KMS really was used in every phase: system keys made (GenerateDataKey) and opened (Decrypt) ...
        foreach (var (phase, counts) in phases)
        {
            Assert.True(counts.GenerateDataKey > 0, $"{phase}: no system key was made ({counts})");
            Assert.True(counts.Decrypt > 0, $"{phase}: no system key was opened through the KMS ({counts})");
        }

        // ... in the preferred region while it was healthy, and past it (it was asked, and failed or timed out) after.
        Assert.True(phases["healthy"].WestAnswered, $"healthy: {phases["healthy"]}");
        foreach (var phase in new[] { "failing", "hanging" })
        {
            Assert.True(phases[phase].West > 0, $"{phase}: the preferred region was never asked ({phases[phase]})");
            Assert.True(phases[phase].OtherGenerateDataKey > 0, $"{phase}: no system key was made in another region ({phases[phase]})");
            Assert.True(phases[phase].OtherDecrypt > 0, $"{phase}: no system key was opened in another region ({phases[phase]})");
        }

        // One system key row per rotation, not one per factory: the fresh factories found the keys they shared. Epochs run
        // at hours 1 to 20 and a key expires 2.5 hours after its minute, so keys are made at hours 1, 4, 7, ..., 19.
        Assert.Equal(7, await west.CountRowsAsync(west.SystemKeyId(product)));
    }

    private static void Record(List<string> failures, string failure)
    {
        lock (failures)
        {
            failures.Add(failure);
        }
    }

    /// <summary>The KMS requests of one phase of the run, per region and operation (faulted ones included); resets the counts.</summary>
    private sealed record RequestCounts(int West, int WestGenerateDataKey, int OtherGenerateDataKey, int OtherDecrypt, int GenerateDataKey, int Decrypt)
    {
        /// <summary>Whether the preferred region made keys in this phase (it answered).</summary>
        public bool WestAnswered => WestGenerateDataKey > 0;

        public static RequestCounts Take(KmsTestServer server)
        {
            int Sum(string operation, params string[] regions) => regions.Sum(r => server.Requests(r, operation));
            string[] others = [East, Europe];
            var counts = new RequestCounts(
                West: Sum("GenerateDataKey", AwsDeployment.West) + Sum("Encrypt", AwsDeployment.West) + Sum("Decrypt", AwsDeployment.West),
                WestGenerateDataKey: Sum("GenerateDataKey", AwsDeployment.West),
                OtherGenerateDataKey: Sum("GenerateDataKey", others),
                OtherDecrypt: Sum("Decrypt", others),
                GenerateDataKey: Sum("GenerateDataKey", KmsRegions),
                Decrypt: Sum("Decrypt", KmsRegions));
            server.ResetCounts();
            return counts;
        }
    }
}
