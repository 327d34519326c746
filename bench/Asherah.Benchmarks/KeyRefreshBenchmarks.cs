using BenchmarkDotNet.Attributes;

namespace Asherah.Benchmarks;

/// <summary>
/// The hot path (64-byte encrypt and decrypt, caches warm, as in <see cref="EnvelopeBenchmarks"/>) under the default
/// expiring policy (60-minute revoke checks), with inline re-checks (the default) and with
/// <see cref="CryptoPolicy.BackgroundKeyRefresh"/>: what the refresh-ahead test costs a hit. No re-check falls due
/// during a run (the first would after 48 minutes).
/// </summary>
[MemoryDiagnoser]
public class KeyRefreshBenchmarks
{
    private SessionFactory _factory = null!;
    private BytesSession _session = null!;
    private byte[] _payload = null!;
    private byte[] _record = null!;

    [Params(false, true)]
    public bool Background { get; set; }

    [GlobalSetup]
    public void Setup()
    {
        _factory = SessionFactory.NewBuilder("bench-product", "bench-service")
            .WithInMemoryMetastore()
            .WithCryptoPolicy(new BasicExpiringCryptoPolicy { BackgroundKeyRefresh = Background })
            .WithStaticKeyManagementService("thisIsAStaticMasterKeyForTesting")
            .Build();
        _session = _factory.GetSessionBytes("bench-partition");
        _payload = new byte[64];
        Random.Shared.NextBytes(_payload);
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
