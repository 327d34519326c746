using BenchmarkDotNet.Attributes;

namespace Asherah.Benchmarks;

/// <summary>
/// What strict secure memory (key pages unreadable except while in use: two mprotect calls per key access) costs an
/// encrypt and a decrypt of 64 bytes, against the default mode.
/// </summary>
[MemoryDiagnoser]
[WarmupCount(3)]
[IterationCount(10)]
public class SecureMemoryBenchmarks
{
    private SessionFactory _factory = null!;
    private BytesSession _session = null!;
    private byte[] _payload = null!;
    private byte[] _record = null!;

    [Params(false, true)]
    public bool Strict { get; set; }

    [GlobalSetup]
    public void Setup()
    {
        _factory = SessionFactory.NewBuilder("bench-product", "bench-service")
            .WithInMemoryMetastore()
            .WithNeverExpiredCryptoPolicy()
            .WithSecureMemory(new SecureMemoryOptions { StrictProtection = Strict })
            .WithStaticKeyManagementService("thisIsAStaticMasterKeyForTesting")
            .Build();
        _session = _factory.GetSessionBytes("bench-partition");
        _payload = new byte[64];
        _record = _session.Encrypt(_payload);
    }

    [GlobalCleanup]
    public void Cleanup()
    {
        _session.Dispose();
        _factory.Dispose();
    }

    [Benchmark]
    public byte[] Encrypt64() => _session.Encrypt(_payload);

    [Benchmark]
    public byte[] Decrypt64() => _session.Decrypt(_record);
}
