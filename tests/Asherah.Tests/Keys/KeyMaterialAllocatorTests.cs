using Asherah.Instrumentation;
using Asherah.SecureMemory;

namespace Asherah.Tests.Keys;

public class KeyMaterialAllocatorTests
{
    private const string MasterKey = "thisIsAStaticMasterKeyForTesting";

    [Fact]
    public void Create_ForOptions_UsesTheProcessWideAllocatorOfThoseOptions()
    {
        var options = new SecureMemoryOptions { AllowUnlockedFallback = true };
        Assert.Same(SecureAllocators.Create(options), KeyMaterialAllocator.Create(options).Allocator);
        Assert.Same(SecureAllocators.Default, KeyMaterialAllocator.Default.Allocator);
    }

    [Fact]
    public async Task TheKms_ReceivesTheFactorysAllocator()
    {
        var options = new SecureMemoryOptions { AllowUnlockedFallback = true };
        var kms = new RecordingKms(new StaticKeyManagementService(MasterKey));
        var metastore = new InMemoryMetastore();
        using (var writer = SessionFactory.NewBuilder("p", "s").WithMetastore(metastore).WithNeverExpiredCryptoPolicy()
                   .WithKeyManagementService(kms).WithSecureMemory(options).Build())
        using (var session = writer.GetSessionBytes("u"))
        {
            session.Encrypt([1]);
        }

        // A second factory must decrypt the stored system key through the KMS.
        using var reader = SessionFactory.NewBuilder("p", "s").WithMetastore(metastore).WithNeverExpiredCryptoPolicy()
            .WithKeyManagementService(kms).WithSecureMemory(options).Build();
        using var readerSession = reader.GetSessionBytes("u2");
        await readerSession.EncryptAsync([1]);

        Assert.NotNull(kms.Allocator);
        Assert.Same(SecureAllocators.Create(options), kms.Allocator!.Allocator);
    }

    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public void TheStaticKmsOfTheBuilder_UsesTheFactorysEngine_WhateverTheOrderOfTheCalls(bool engineFirst)
    {
        var builder = SessionFactory.NewBuilder("p", "s").WithInMemoryMetastore().WithNeverExpiredCryptoPolicy();
        if (engineFirst)
        {
            builder.WithAesGcmEngine(AesGcmEngineKind.Platform).WithStaticKeyManagementService(MasterKey);
        }
        else
        {
            builder.WithStaticKeyManagementService(MasterKey).WithAesGcmEngine(AesGcmEngineKind.Platform);
        }

        using var factory = builder.Build();

        var kms = Assert.IsType<StaticKeyManagementService>(factory.Context.Kms.Unwrap());
        Assert.Equal(AesGcmEngineKind.Platform, kms.MasterKey.Key.Engine.Kind);
        Assert.Equal(AesGcmEngineKind.Platform, factory.AesGcmEngine);
    }

    [Fact]
    public void EachBuild_OwnsItsStaticKms_AndDisposingOneLeavesTheOtherWorking()
    {
        var builder = SessionFactory.NewBuilder("p", "s").WithInMemoryMetastore().WithNeverExpiredCryptoPolicy()
            .WithStaticKeyManagementService(MasterKey);
        var first = builder.Build();
        using var second = builder.Build();

        first.Dispose();

        Assert.True(((StaticKeyManagementService)first.Context.Kms.Unwrap()).MasterKey.Key.IsFreed);
        using var session = second.GetSessionBytes("u");
        Assert.Equal([7], session.Decrypt(session.Encrypt([7])));
    }

    private sealed class RecordingKms(StaticKeyManagementService inner) : IKeyManagementService
    {
        public KeyMaterialAllocator? Allocator { get; private set; }

        public ValueTask<byte[]> EncryptKeyAsync(KeyMaterial key, CancellationToken cancellationToken = default) =>
            inner.EncryptKeyAsync(key, cancellationToken);

        public ValueTask<KeyMaterial> DecryptKeyAsync(ReadOnlyMemory<byte> encryptedKey, KeyMaterialAllocator allocator, CancellationToken cancellationToken = default)
        {
            Allocator = allocator;
            return inner.DecryptKeyAsync(encryptedKey, allocator, cancellationToken);
        }
    }
}
