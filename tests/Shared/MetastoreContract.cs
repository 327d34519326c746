using Asherah.Envelope;
using Asherah.Metastore;

namespace Asherah.Tests.Shared;

/// <summary>The behaviour every <see cref="IMetastore"/> must have; each implementation's tests derive from this.</summary>
public abstract class MetastoreContract
{
    private static readonly DateTimeOffset T0 = DateTimeOffset.FromUnixTimeSeconds(1_700_000_040);

    /// <summary>A fresh, empty metastore.</summary>
    protected abstract Task<IMetastore> CreateAsync();

    private static EnvelopeKeyRecord Record(DateTimeOffset created, byte fill, string? parent = null) =>
        new(created, Enumerable.Repeat(fill, 60).ToArray(), parent is null ? null : new KeyMeta(parent, created), revoked: false);

    private static string NewId() => "_IK_" + Guid.NewGuid().ToString("N") + "_service_product";

    [MetastoreFact]
    public async Task Load_OfMissingKey_ReturnsNull()
    {
        var store = await CreateAsync();
        Assert.Null(await store.LoadAsync(NewId(), T0));
        Assert.Null(await store.LoadLatestAsync(NewId()));
    }

    [MetastoreFact]
    public async Task Store_ThenLoad_ReturnsTheSameRecord()
    {
        var store = await CreateAsync();
        string id = NewId();
        var record = Record(T0, 7, "_SK_service_product");

        Assert.True(await store.StoreAsync(id, T0, record));
        var loaded = await store.LoadAsync(id, T0);

        Assert.NotNull(loaded);
        Assert.Equal(record.ToJson(), loaded.ToJson());
    }

    [MetastoreFact]
    public async Task Store_OfDuplicate_ReturnsFalseAndKeepsTheFirst()
    {
        var store = await CreateAsync();
        string id = NewId();

        Assert.True(await store.StoreAsync(id, T0, Record(T0, 1)));
        Assert.False(await store.StoreAsync(id, T0, Record(T0, 2)));

        var loaded = await store.LoadAsync(id, T0);
        Assert.Equal(1, loaded!.EncryptedKey.Span[0]);
    }

    [MetastoreFact]
    public async Task LoadLatest_ReturnsTheNewestCreated()
    {
        var store = await CreateAsync();
        string id = NewId();
        await store.StoreAsync(id, T0.AddMinutes(1), Record(T0.AddMinutes(1), 2));
        await store.StoreAsync(id, T0, Record(T0, 1));
        await store.StoreAsync(id, T0.AddDays(400), Record(T0.AddDays(400), 3));
        await store.StoreAsync(NewId(), T0.AddDays(800), Record(T0.AddDays(800), 4));

        var latest = await store.LoadLatestAsync(id);

        Assert.Equal(3, latest!.EncryptedKey.Span[0]);
        Assert.Equal(T0.AddDays(400), latest.Created);
    }

    [MetastoreFact]
    public async Task Load_DistinguishesCreatedToTheSecond()
    {
        var store = await CreateAsync();
        string id = NewId();
        await store.StoreAsync(id, T0, Record(T0, 1));
        await store.StoreAsync(id, T0.AddSeconds(1), Record(T0.AddSeconds(1), 2));

        Assert.Equal(1, (await store.LoadAsync(id, T0))!.EncryptedKey.Span[0]);
        Assert.Equal(2, (await store.LoadAsync(id, T0.AddSeconds(1)))!.EncryptedKey.Span[0]);
        Assert.Null(await store.LoadAsync(id, T0.AddSeconds(2)));
    }

    [MetastoreFact]
    public async Task Store_ConcurrentlyOnOnePair_LetsExactlyOneWin()
    {
        var store = await CreateAsync();
        string id = NewId();

        var results = await Task.WhenAll(Enumerable.Range(0, 16).Select(i =>
            Task.Run(async () => await store.StoreAsync(id, T0, Record(T0, (byte)i)))));

        Assert.Single(results, r => r);
    }

    [MetastoreFact]
    public async Task Ids_WithUnicodeAndUnderscores_RoundTrip()
    {
        var store = await CreateAsync();
        string id = "_IK_пользователь_サービス-⚙️_продукт-🛒_" + Guid.NewGuid().ToString("N");

        Assert.True(await store.StoreAsync(id, T0, Record(T0, 9)));

        Assert.NotNull(await store.LoadAsync(id, T0));
        Assert.Null(await store.LoadAsync(id + "x", T0));
    }

    [MetastoreFact]
    public async Task Revoked_IsPreserved()
    {
        var store = await CreateAsync();
        string id = NewId();
        await store.StoreAsync(id, T0, Record(T0, 1).WithRevoked(true));

        Assert.True((await store.LoadLatestAsync(id))!.IsRevoked);
    }

    [MetastoreFact]
    public async Task Catalog_ListsStoredRecords()
    {
        var store = await CreateAsync();
        if (store is not IMetastoreCatalog catalog)
        {
            return;
        }

        string id = NewId();
        await store.StoreAsync(id, T0, Record(T0, 1));
        await store.StoreAsync(id, T0.AddMinutes(1), Record(T0.AddMinutes(1), 2));

        var mine = new List<StoredKeyRecord>();
        await foreach (var row in catalog.ListAsync())
        {
            if (row.KeyId == id)
            {
                mine.Add(row);
            }
        }

        Assert.Equal([T0, T0.AddMinutes(1)], mine.Select(r => r.Created));
    }
}
