using BenchmarkDotNet.Attributes;

namespace Asherah.Benchmarks;

/// <summary>Encrypt and decrypt with hot caches: one partition, keys cached, in-memory metastore, static KMS.</summary>
[MemoryDiagnoser]
public class EnvelopeBenchmarks
{
    private SessionFactory _factory = null!;
    private BytesSession _session = null!;
    private byte[] _payload = null!;
    private byte[] _record = null!;
    private byte[] _recordBuffer = null!;
    private byte[] _plaintextBuffer = null!;

    [Params(64, 1024, 8192)]
    public int Size { get; set; }

    [Params(AesGcmEngineKind.Auto, AesGcmEngineKind.Platform)]
    public AesGcmEngineKind Engine { get; set; }

    [GlobalSetup]
    public void Setup()
    {
        _factory = SessionFactory.NewBuilder("bench-product", "bench-service")
            .WithInMemoryMetastore()
            .WithNeverExpiredCryptoPolicy()
            .WithAesGcmEngine(Engine)
            .WithStaticKeyManagementService("thisIsAStaticMasterKeyForTesting")
            .Build();
        _session = _factory.GetSessionBytes("bench-partition");
        _payload = new byte[Size];
        Random.Shared.NextBytes(_payload);
        _record = _session.Encrypt(_payload);
        _recordBuffer = new byte[_session.GetMaxEncryptedLength(Size)];
        _plaintextBuffer = new byte[Size];
    }

    [GlobalCleanup]
    public void Cleanup()
    {
        _session.Dispose();
        _factory.Dispose();
    }

    [Benchmark]
    public byte[] Encrypt() => _session.Encrypt(_payload);

    [Benchmark]
    public byte[] Decrypt() => _session.Decrypt(_record);

    [Benchmark]
    public int EncryptSpan()
    {
        _session.TryEncrypt(_payload, _recordBuffer, out int written);
        return written;
    }

    [Benchmark]
    public int DecryptSpan()
    {
        _session.TryDecrypt(_record, _plaintextBuffer, out int written);
        return written;
    }
}
