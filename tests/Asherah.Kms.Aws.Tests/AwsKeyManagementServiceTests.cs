using System.Text;
using System.Text.Json;
using Asherah.Kms.Aws.TestServer;
using Microsoft.Extensions.Logging;
using static Asherah.Kms.Aws.Tests.TestKms;

namespace Asherah.Kms.Aws.Tests;

/// <summary>The service over the real AWS SDK client and the local KMS test server.</summary>
public sealed class AwsKeyManagementServiceTests
{
    private const string Failures = "asherah.kms.region.failures";
    private const string Missing = "asherah.kms.key.regions_missing";

    [Fact]
    public async Task EncryptThenDecrypt_ReturnsTheKey_WithTheDataKeyFromThePreferredRegion()
    {
        await using var server = await StartAsync();
        using var kms = new AwsKeyManagementService(Options(server));
        var (key, bytes) = NewKey();
        using (key)
        {
            var envelope = await kms.EncryptKeyAsync(key);
            using var decrypted = await kms.DecryptKeyAsync(envelope, KeyMaterialAllocator.Default);

            Assert.True(decrypted.FixedTimeEquals(bytes));
            Assert.Equal(1, server.Requests(West, "GenerateDataKey"));
            Assert.Equal(0, server.Requests(East, "GenerateDataKey"));
            Assert.Equal([0, 1, 1], Regions.Select(r => server.Requests(r, "Encrypt")));
            Assert.Equal([1, 0, 0], Regions.Select(r => server.Requests(r, "Decrypt")));
        }
    }

    [Fact]
    public async Task Envelope_IsCanonicalJson_ExactlyAsWrittenByHand()
    {
        await using var server = await StartAsync();
        using var kms = new AwsKeyManagementService(Options(server));
        var (key, _) = NewKey();
        using (key)
        {
            var json = await kms.EncryptKeyAsync(key);
            using var document = JsonDocument.Parse(json);
            var root = document.RootElement;
            Assert.Equal(["encryptedKey", "kmsKeks"], root.EnumerateObject().Select(p => p.Name));
            var encryptedKey = root.GetProperty("encryptedKey").GetBytesFromBase64();
            Assert.Equal(60, encryptedKey.Length);
            var keks = root.GetProperty("kmsKeks").EnumerateArray().ToList();
            Assert.All(keks, k => Assert.Equal(["region", "arn", "encryptedKek"], k.EnumerateObject().Select(p => p.Name)));
            Assert.Equal(Regions, keks.Select(k => k.GetProperty("region").GetString()));
            Assert.Equal(Regions.Select(server.KeyArn), keks.Select(k => k.GetProperty("arn").GetString()));

            // Every entry is a KMS ciphertext of that region's key (the test server's blob names the key).
            Assert.All(keks, k => Assert.Equal(k.GetProperty("arn").GetString(), RegionKey.ArnOf(k.GetProperty("encryptedKek").GetBytesFromBase64())));

            // Byte for byte the canonical grammar: no whitespace, standard padded base64 with '+' and '/' unescaped.
            var expected = "{\"encryptedKey\":\"" + Convert.ToBase64String(encryptedKey) + "\",\"kmsKeks\":["
                + string.Join(",", keks.Select(k => "{\"region\":\"" + k.GetProperty("region").GetString() + "\",\"arn\":\"" + k.GetProperty("arn").GetString()
                    + "\",\"encryptedKek\":\"" + Convert.ToBase64String(k.GetProperty("encryptedKek").GetBytesFromBase64()) + "\"}"))
                + "]}";
            Assert.Equal(expected, Encoding.UTF8.GetString(json));
        }
    }

    [Fact]
    public async Task Encrypt_WhenThePreferredRegionIsDown_GeneratesTheDataKeyInTheNext()
    {
        await using var server = await StartAsync();
        using var metrics = new MetricRecorder();
        var logger = new RecordingLogger();
        using var kms = new AwsKeyManagementService(Options(server), logger: logger, meterFactory: metrics);
        server.SetFault(West, KmsFault.Fail);
        var (key, bytes) = NewKey();
        using (key)
        {
            var envelope = await kms.EncryptKeyAsync(key);

            Assert.Equal(1, server.Requests(West, "GenerateDataKey"));
            Assert.Equal(1, server.Requests(East, "GenerateDataKey"));
            Assert.Equal([East, Europe], RegionsOf(envelope));
            Assert.Equal(1, metrics.Sum(Failures, ("region", West), ("operation", "generate_data_key"), ("reason", "unavailable")));
            Assert.Equal(1, metrics.Sum(Missing, ("region", West)));

            server.ClearFaults();
            using var decrypted = await kms.DecryptKeyAsync(envelope, KeyMaterialAllocator.Default);
            Assert.True(decrypted.FixedTimeEquals(bytes));
            Assert.Equal(1, server.Requests(East, "Decrypt"));
        }
    }

    [Theory]
    [InlineData(KmsFault.Fail, "unavailable")]
    [InlineData(KmsFault.Throttle, "throttled")]
    [InlineData(KmsFault.Disabled, "rejected")]
    public async Task Decrypt_WhenThePreferredRegionFails_FallsBackToTheNext(KmsFault fault, string reason)
    {
        await using var server = await StartAsync();
        using var metrics = new MetricRecorder();
        var logger = new RecordingLogger();
        using var kms = new AwsKeyManagementService(Options(server), logger: logger, meterFactory: metrics);
        var (key, bytes) = NewKey();
        using (key)
        {
            var envelope = await kms.EncryptKeyAsync(key);
            server.SetFault(West, fault);

            using var decrypted = await kms.DecryptKeyAsync(envelope, KeyMaterialAllocator.Default);

            Assert.True(decrypted.FixedTimeEquals(bytes));
            Assert.Equal([1, 1, 0], Regions.Select(r => server.Requests(r, "Decrypt")));
            Assert.Equal(1, metrics.Sum(Failures, ("region", West), ("operation", "decrypt"), ("reason", reason)));
            Assert.Contains(logger.Entries, e => e.Id.Id == 300 && e.Level == LogLevel.Warning && e.Message.Contains(West, StringComparison.Ordinal));
        }
    }

    [Fact]
    public async Task Decrypt_WhenThePreferredRegionHangs_TimesOutAndFallsBack()
    {
        await using var server = await StartAsync();
        using var metrics = new MetricRecorder();
        using var kms = new AwsKeyManagementService(Options(server, TimeSpan.FromMilliseconds(500)), meterFactory: metrics);
        var (key, bytes) = NewKey();
        using (key)
        {
            var envelope = await kms.EncryptKeyAsync(key);
            server.SetFault(West, KmsFault.Hang);

            using var decrypted = await kms.DecryptKeyAsync(envelope, KeyMaterialAllocator.Default);

            Assert.True(decrypted.FixedTimeEquals(bytes));
            Assert.Equal([1, 1, 0], Regions.Select(r => server.Requests(r, "Decrypt")));
            Assert.Equal(1, metrics.Sum(Failures, ("region", West), ("operation", "decrypt"), ("reason", "timeout")));
        }
    }

    [Fact]
    public async Task Encrypt_WhenThePreferredRegionHangs_TimesOutAndGeneratesInTheNext()
    {
        await using var server = await StartAsync();
        using var metrics = new MetricRecorder();
        using var kms = new AwsKeyManagementService(Options(server, TimeSpan.FromMilliseconds(500)), meterFactory: metrics);
        server.SetFault(West, KmsFault.Hang);
        var (key, _) = NewKey();
        using (key)
        {
            var envelope = await kms.EncryptKeyAsync(key);

            Assert.Equal([East, Europe], RegionsOf(envelope));
            Assert.Equal(1, metrics.Sum(Failures, ("region", West), ("operation", "generate_data_key"), ("reason", "timeout")));
            Assert.Equal(1, metrics.Sum(Failures, ("region", West), ("operation", "encrypt"), ("reason", "timeout")));
        }
    }

    [Fact]
    public async Task Decrypt_WhenEveryRegionIsDown_ThrowsATransientKmsExceptionNamingTheRegionsAndNoKeyBytes()
    {
        await using var server = await StartAsync();
        var logger = new RecordingLogger();
        using var kms = new AwsKeyManagementService(Options(server, TimeSpan.FromMilliseconds(500)), logger: logger);
        var (key, bytes) = NewKey();
        using (key)
        {
            var envelope = await kms.EncryptKeyAsync(key);
            server.SetFault(West, KmsFault.Fail);
            server.SetFault(East, KmsFault.Throttle);
            server.SetFault(Europe, KmsFault.Hang);

            var e = await Assert.ThrowsAsync<KmsException>(async () => await kms.DecryptKeyAsync(envelope, KeyMaterialAllocator.Default));

            Assert.True(e.IsTransient);
            Assert.All(Regions, r => Assert.Contains(r, e.Message, StringComparison.Ordinal));
            Assert.Contains("KMSInternalException", e.Message, StringComparison.Ordinal);
            Assert.Contains("ThrottlingException", e.Message, StringComparison.Ordinal);
            Assert.Contains("timeout", e.Message, StringComparison.Ordinal);
            AssertNoKeyBytes(e.ToString(), envelope, bytes);
            AssertNoKeyBytes(string.Join("\n", logger.Entries.Select(x => x.Message)), envelope, bytes);
        }
    }

    [Fact]
    public async Task Encrypt_WhenEveryRegionIsDown_ThrowsATransientKmsException()
    {
        await using var server = await StartAsync();
        using var kms = new AwsKeyManagementService(Options(server));
        foreach (var region in Regions)
        {
            server.SetFault(region, KmsFault.Fail);
        }

        var (key, _) = NewKey();
        using (key)
        {
            var e = await Assert.ThrowsAsync<KmsException>(async () => await kms.EncryptKeyAsync(key));

            Assert.True(e.IsTransient);
            Assert.StartsWith("Could not generate a data key in any AWS KMS region", e.Message, StringComparison.Ordinal);
            Assert.All(Regions, r => Assert.Contains(r, e.Message, StringComparison.Ordinal));
        }
    }

    [Fact]
    public async Task Encrypt_WhenEveryKeyIsDisabled_ThrowsAPermanentKmsException()
    {
        await using var server = await StartAsync();
        using var kms = new AwsKeyManagementService(Options(server));
        foreach (var region in Regions)
        {
            server.SetFault(region, KmsFault.Disabled);
        }

        var (key, _) = NewKey();
        using (key)
        {
            var e = await Assert.ThrowsAsync<KmsException>(async () => await kms.EncryptKeyAsync(key));

            Assert.False(e.IsTransient);
            Assert.Contains("DisabledException", e.Message, StringComparison.Ordinal);
        }
    }

    [Fact]
    public async Task Encrypt_WhenASecondaryRegionsEncryptFails_WritesTheKeyWithoutIt_LogsAndCountsIt()
    {
        await using var server = await StartAsync();
        using var metrics = new MetricRecorder();
        var logger = new RecordingLogger();
        using var kms = new AwsKeyManagementService(Options(server), logger: logger, meterFactory: metrics);
        server.SetFault(Europe, KmsFault.Fail, "Encrypt");
        var (key, bytes) = NewKey();
        using (key)
        {
            var envelope = await kms.EncryptKeyAsync(key);

            Assert.Equal([West, East], RegionsOf(envelope));
            var warning = Assert.Single(logger.Entries, e => e.Id.Id == 301);
            Assert.Equal(LogLevel.Warning, warning.Level);
            Assert.Contains(Europe, warning.Message, StringComparison.Ordinal);
            Assert.Contains("2 of 3 regions", warning.Message, StringComparison.Ordinal);
            Assert.Equal(1, metrics.Sum(Missing, ("region", Europe)));
            Assert.Equal(1, metrics.Sum(Failures, ("region", Europe), ("operation", "encrypt"), ("reason", "unavailable")));
            AssertNoKeyBytes(string.Join("\n", logger.Entries.Select(x => x.Message)), envelope, bytes);

            // What was written is readable from the secondary that holds it.
            server.SetFault(West, KmsFault.Fail);
            using var decrypted = await kms.DecryptKeyAsync(envelope, KeyMaterialAllocator.Default);
            Assert.True(decrypted.FixedTimeEquals(bytes));
        }
    }

    [Fact]
    public async Task Encrypt_WhenFewerThanTheMinimumRegionsHoldTheKey_ThrowsAndLogs()
    {
        await using var server = await StartAsync();
        using var metrics = new MetricRecorder();
        var logger = new RecordingLogger();
        var options = Options(server, null, West, East);
        using var kms = new AwsKeyManagementService(options, logger: logger, meterFactory: metrics);
        server.SetFault(East, KmsFault.Throttle, "Encrypt");
        var (key, _) = NewKey();
        using (key)
        {
            var e = await Assert.ThrowsAsync<KmsException>(async () => await kms.EncryptKeyAsync(key));

            Assert.True(e.IsTransient);
            Assert.Contains("only 1 AWS KMS region(s)", e.Message, StringComparison.Ordinal);
            Assert.Contains(East, e.Message, StringComparison.Ordinal);
            Assert.Contains(logger.Entries, x => x.Id.Id == 304 && x.Level == LogLevel.Error);
            Assert.Equal(0, metrics.Sum(Missing));
        }
    }

    [Fact]
    public async Task Encrypt_WhenTooFewRegionsHoldTheKeyBecauseAKeyIsDisabled_ThrowsAPermanentKmsException()
    {
        await using var server = await StartAsync();
        var options = Options(server);
        options.MinimumRegions = 3;
        using var kms = new AwsKeyManagementService(options);
        server.SetFault(Europe, KmsFault.Disabled);
        var (key, _) = NewKey();
        using (key)
        {
            var e = await Assert.ThrowsAsync<KmsException>(async () => await kms.EncryptKeyAsync(key));

            Assert.False(e.IsTransient);
            Assert.Contains($"only 2 AWS KMS region(s) ({West}, {East}), fewer than the 3 required", e.Message, StringComparison.Ordinal);
            Assert.Contains("DisabledException", e.Message, StringComparison.Ordinal);
        }
    }

    [Fact]
    public async Task Encrypt_WithMinimumRegionsOne_KeepsWhatSucceeded()
    {
        await using var server = await StartAsync();
        using var metrics = new MetricRecorder();
        var options = Options(server, null, West, East);
        options.MinimumRegions = 1;
        using var kms = new AwsKeyManagementService(options, meterFactory: metrics);
        server.SetFault(East, KmsFault.Fail, "Encrypt");
        var (key, _) = NewKey();
        using (key)
        {
            var envelope = await kms.EncryptKeyAsync(key);

            Assert.Equal([West], RegionsOf(envelope));
            Assert.Equal(1, metrics.Sum(Missing, ("region", East)));
        }
    }

    [Fact]
    public async Task Decrypt_WithAnotherDataKey_FailsInEveryRegion_NotTransient()
    {
        await using var server = await StartAsync();
        using var kms = new AwsKeyManagementService(Options(server));
        var (first, _) = NewKey();
        var (second, _) = NewKey();
        using (first)
        using (second)
        {
            using var a = JsonDocument.Parse(await kms.EncryptKeyAsync(first));
            using var b = JsonDocument.Parse(await kms.EncryptKeyAsync(second));

            // a's keks with b's encryptedKey: every region returns a data key that does not open it.
            var spliced = "{\"encryptedKey\":" + b.RootElement.GetProperty("encryptedKey").GetRawText() + ",\"kmsKeks\":" + a.RootElement.GetProperty("kmsKeks").GetRawText() + "}";
            var e = await Assert.ThrowsAsync<KmsException>(async () => await kms.DecryptKeyAsync(Encoding.UTF8.GetBytes(spliced), KeyMaterialAllocator.Default));

            Assert.False(e.IsTransient);
            Assert.Contains("undecryptable", e.Message, StringComparison.Ordinal);
        }
    }

    [Fact]
    public async Task Clients_AreMadeOncePerRegion_AndReused()
    {
        await using var server = await StartAsync();
        var made = new List<string>();
        var options = Options(server);
        options.ClientFactory = region =>
        {
            lock (made)
            {
                made.Add(region);
            }

            return Client(server, region);
        };
        using var kms = new AwsKeyManagementService(options);
        for (int i = 0; i < 3; i++)
        {
            var (key, _) = NewKey();
            using (key)
            {
                using var decrypted = await kms.DecryptKeyAsync(await kms.EncryptKeyAsync(key), KeyMaterialAllocator.Default);
            }
        }

        Assert.Equal(Regions.Order(), made.Order());
    }

    [Fact]
    public async Task CallerCancellation_IsNotARegionFailure_ItEndsTheOperation()
    {
        await using var server = await StartAsync();
        using var metrics = new MetricRecorder();
        using var kms = new AwsKeyManagementService(Options(server), meterFactory: metrics);
        server.SetFault(West, KmsFault.Hang);
        var (key, _) = NewKey();
        using (key)
        using (var cancel = new CancellationTokenSource(TimeSpan.FromMilliseconds(300)))
        {
            await Assert.ThrowsAnyAsync<OperationCanceledException>(async () => await kms.EncryptKeyAsync(key, cancel.Token));

            Assert.Equal(0, server.Requests(East, "GenerateDataKey"));
            Assert.Equal(0, metrics.Sum(Failures));
        }
    }

    internal static string[] RegionsOf(byte[] envelope)
    {
        using var document = JsonDocument.Parse(envelope);
        return [.. document.RootElement.GetProperty("kmsKeks").EnumerateArray().Select(k => k.GetProperty("region").GetString()!)];
    }

    /// <summary>No base64 or hex of the key, nor any blob of the envelope, appears in <paramref name="text"/>.</summary>
    internal static void AssertNoKeyBytes(string text, byte[] envelope, byte[] key)
    {
        Assert.DoesNotContain(Convert.ToBase64String(key), text, StringComparison.Ordinal);
        Assert.DoesNotContain(Convert.ToHexString(key), text, StringComparison.OrdinalIgnoreCase);
        using var document = JsonDocument.Parse(envelope);
        Assert.DoesNotContain(document.RootElement.GetProperty("encryptedKey").GetString()!, text, StringComparison.Ordinal);
        foreach (var kek in document.RootElement.GetProperty("kmsKeks").EnumerateArray())
        {
            Assert.DoesNotContain(kek.GetProperty("encryptedKek").GetString()!, text, StringComparison.Ordinal);
        }
    }
}
