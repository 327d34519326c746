using Asherah.KeyManagement;
using Asherah.Metastore;

namespace Asherah.Tests;

/// <summary>Factories for tests: static KMS, in-memory metastore.</summary>
internal static class TestFactories
{
    public const string MasterKey = "thisIsAStaticMasterKeyForTesting";

    public static SessionFactory New(IMetastore? metastore = null, CryptoPolicy? policy = null, TimeProvider? time = null)
    {
        var builder = SessionFactory.NewBuilder("product", "service")
            .WithMetastore(metastore ?? new InMemoryMetastore())
            .WithCryptoPolicy(policy ?? new NeverExpiredCryptoPolicy())
            .WithStaticKeyManagementService(MasterKey);
        if (time is not null)
        {
            builder.WithTimeProvider(time);
        }

        return builder.Build();
    }

    public static async Task<List<StoredKeyRecord>> ListAllAsync(this InMemoryMetastore metastore)
    {
        var list = new List<StoredKeyRecord>();
        await foreach (var record in metastore.ListAsync())
        {
            list.Add(record);
        }

        return list;
    }
}
