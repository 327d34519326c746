using System.Text;
using Asherah.Kms.Aws.TestServer;
using static Asherah.Kms.Aws.Tests.TestKms;

namespace Asherah.Kms.Aws.Tests;

/// <summary>Sessions over the AWS KMS: the product as a user runs it, through regional outages.</summary>
public sealed class SessionFactoryTests
{
    [Fact]
    public async Task ARunOf200EncryptDecrypts_SurvivesRegionsFailingMidway_WithZeroFailures()
    {
        await using var server = await StartAsync();
        using var metrics = new MetricRecorder();
        using var kms = new AwsKeyManagementService(Options(server), meterFactory: metrics);

        // No key caching: every encrypt and decrypt opens the system key through the KMS, so every one crosses the outage.
        var policy = new NeverExpiredCryptoPolicy { CacheSystemKeys = false, CacheIntermediateKeys = false };
        await using var factory = SessionFactory.NewBuilder("product", "service")
            .WithInMemoryMetastore()
            .WithCryptoPolicy(policy)
            .WithKeyManagementService(kms)
            .Build();

        int failures = 0;
        int succeeded = 0;
        for (int i = 0; i < 200; i++)
        {
            if (i == 100)
            {
                server.SetFault(West, KmsFault.Fail);
            }
            else if (i == 150)
            {
                server.SetFault(East, KmsFault.Throttle);
            }

            try
            {
                using var session = factory.GetSessionBytes($"partition-{i % 7}");
                var payload = Encoding.UTF8.GetBytes($"record {i}");
                var record = await session.EncryptAsync(payload);
                var roundTrip = await session.DecryptAsync(record);
                if (roundTrip.AsSpan().SequenceEqual(payload))
                {
                    succeeded++;
                }
                else
                {
                    failures++;
                }
            }
            catch (AsherahException)
            {
                failures++;
            }
        }

        Assert.Equal(0, failures);
        Assert.Equal(200, succeeded);

        // The outage was really crossed: the first region was asked and failed, then the second, and the third answered.
        Assert.True(metrics.Sum("asherah.kms.region.failures", ("region", West), ("operation", "decrypt")) >= 100);
        Assert.True(metrics.Sum("asherah.kms.region.failures", ("region", East), ("operation", "decrypt"), ("reason", "throttled")) >= 50);
        Assert.True(server.Requests(Europe, "Decrypt") >= 50);
    }
}
