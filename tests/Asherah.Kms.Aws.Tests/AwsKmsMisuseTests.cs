using static Asherah.Kms.Aws.Tests.TestKms;

namespace Asherah.Kms.Aws.Tests;

/// <summary><see cref="AwsKeyManagementService"/> and <see cref="AwsKmsOptions"/> under misuse, over the local KMS server.</summary>
public sealed class AwsKmsMisuseTests
{
    [Fact]
    public void Options_RefuseNullsAndNonsense_WithTypedErrors()
    {
        var options = new AwsKmsOptions();
        Assert.Throws<ArgumentNullException>(() => options.AddRegion(null!, "arn"));
        Assert.Throws<ArgumentNullException>(() => options.AddRegion("us-west-2", null!));
        Assert.Throws<ArgumentException>(() => options.AddRegion(" ", "arn"));
        Assert.Throws<ArgumentNullException>(() => options.AddRegionMap(null!));
        Assert.Throws<FormatException>(() => options.AddRegionMap("us-west-2="));
        Assert.Throws<ArgumentOutOfRangeException>(() => options.RegionTimeout = TimeSpan.Zero);
        Assert.Throws<ArgumentOutOfRangeException>(() => options.RegionTimeout = TimeSpan.FromSeconds(-1));
        Assert.Throws<ArgumentOutOfRangeException>(() => options.RegionTimeout = TimeSpan.MaxValue);
        Assert.Throws<ArgumentOutOfRangeException>(() => options.MinimumRegions = 0);
        Assert.Throws<ArgumentOutOfRangeException>(() => options.MinimumRegions = -1);
        Assert.Throws<ArgumentOutOfRangeException>(() => options.MinimumRegions = AwsKmsOptions.MaxRegions + 1);
        Assert.Throws<ArgumentNullException>(() => options.TimeProvider = null!);

        // Empty, duplicated (in any case) and null entries are refused by the constructor, naming the problem.
        Assert.Contains("No AWS KMS region", Assert.Throws<ArgumentException>(() => new AwsKeyManagementService(new AwsKmsOptions())).Message, StringComparison.Ordinal);
        var twice = new AwsKmsOptions().AddRegion("us-west-2", "arn:1").AddRegion("US-WEST-2", "arn:2");
        Assert.Contains("configured twice", Assert.Throws<ArgumentException>(() => new AwsKeyManagementService(twice)).Message, StringComparison.Ordinal);
        var nullEntry = new AwsKmsOptions().AddRegion("us-west-2", "arn:1");
        nullEntry.Regions.Add(null!);
        Assert.Throws<ArgumentException>(() => new AwsKeyManagementService(nullEntry));
        var nullArn = new AwsKmsOptions();
        nullArn.Regions.Add(new AwsKmsRegion("us-west-2", null!));
        Assert.Throws<ArgumentException>(() => new AwsKeyManagementService(nullArn));
        var unknownPreferred = new AwsKmsOptions { PreferredRegion = "eu-north-1" }.AddRegion("us-west-2", "arn:1");
        Assert.Throws<ArgumentException>(() => new AwsKeyManagementService(unknownPreferred));
        Assert.Throws<ArgumentNullException>(() => new AwsKeyManagementService(null!));
    }

    [Fact]
    public async Task MinimumRegionsAboveTheRegionCount_IsCappedAtIt()
    {
        await using var server = await StartAsync();
        var options = Options(server);
        options.MinimumRegions = AwsKmsOptions.MaxRegions;
        using var kms = new AwsKeyManagementService(options);
        var (key, bytes) = NewKey();
        using (key)
        {
            using var decrypted = await kms.DecryptKeyAsync(await kms.EncryptKeyAsync(key), KeyMaterialAllocator.Default);
            Assert.True(decrypted.FixedTimeEquals(bytes));
        }
    }

    [Fact]
    public async Task AfterDispose_EveryCallThrowsObjectDisposed_AndDisposeIsIdempotent()
    {
        await using var server = await StartAsync();
        var kms = new AwsKeyManagementService(Options(server));
        var (key, _) = NewKey();
        using (key)
        {
            var envelope = await kms.EncryptKeyAsync(key);
            kms.Dispose();
            kms.Dispose();

            await Assert.ThrowsAsync<ObjectDisposedException>(async () => await kms.EncryptKeyAsync(key));
            await Assert.ThrowsAsync<ObjectDisposedException>(async () => await kms.DecryptKeyAsync(envelope, KeyMaterialAllocator.Default));
        }
    }

    [Fact]
    public async Task NullArguments_AndAlreadyCancelledTokens_AreTyped()
    {
        await using var server = await StartAsync();
        using var kms = new AwsKeyManagementService(Options(server));
        var (key, _) = NewKey();
        using (key)
        {
            await Assert.ThrowsAsync<ArgumentNullException>(async () => await kms.EncryptKeyAsync(null!));
            var envelope = await kms.EncryptKeyAsync(key);
            await Assert.ThrowsAsync<ArgumentNullException>(async () => await kms.DecryptKeyAsync(envelope, null!));
            using var cancelled = new CancellationTokenSource();
            await cancelled.CancelAsync();
            await Assert.ThrowsAnyAsync<OperationCanceledException>(async () => await kms.EncryptKeyAsync(key, cancelled.Token));
            await Assert.ThrowsAnyAsync<OperationCanceledException>(async () => await kms.DecryptKeyAsync(envelope, KeyMaterialAllocator.Default, cancelled.Token));
            var e = await Assert.ThrowsAsync<KmsException>(async () => await kms.DecryptKeyAsync(ReadOnlyMemory<byte>.Empty, KeyMaterialAllocator.Default));
            Assert.False(e.IsTransient);
        }
    }
}
