using System.Text;
using Asherah.Envelope;
using Asherah.Metastore;

namespace Asherah.Tests.Shared;

/// <summary>The behaviour every <see cref="IMetastore"/> must have; each implementation's tests derive from this.</summary>
public abstract class MetastoreContract
{
    private static readonly DateTimeOffset T0 = DateTimeOffset.FromUnixTimeSeconds(1_700_000_040);

    /// <summary>A metastore; tests use ids of their own, so it may hold other tests' rows (a shared server's table).</summary>
    protected abstract Task<IMetastore> CreateAsync();

    /// <summary>
    /// A metastore over a table of its own, empty, and a way to put rows into that table as canonical Asherah writes
    /// them (for SQL: canonical <c>AdoMetastoreImpl</c>'s INSERT and parameter binding). The default stores through the
    /// metastore itself, for implementations with no table of canonical's.
    /// </summary>
    protected virtual async Task<CanonicalTable> CreateEmptyAsync()
    {
        var store = await CreateAsync();
        return new CanonicalTable(store, async (id, created, json) =>
            Assert.True(await store.StoreAsync(id, created, EnvelopeKeyRecord.Parse(json)), $"{id} at {created} was already stored"));
    }

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
    public async Task Store_By32ThreadsAtOnceOnOnePair_LetsExactlyOneWin()
    {
        const int Threads = 32;
        var store = await CreateAsync();
        string id = NewId();
        using var start = new Barrier(Threads);

        // Dedicated threads released together, so the stores really overlap (the thread pool would trickle them in).
        var results = await Task.WhenAll(Enumerable.Range(0, Threads).Select(i => Task.Factory.StartNew(() =>
        {
            start.SignalAndWait();
            return store.StoreAsync(id, T0, Record(T0, (byte)i)).AsTask().GetAwaiter().GetResult();
        }, CancellationToken.None, TaskCreationOptions.LongRunning, TaskScheduler.Default)));

        int winner = Assert.Single(Enumerable.Range(0, Threads), i => results[i]);
        Assert.Equal(winner, (await store.LoadAsync(id, T0))!.EncryptedKey.Span[0]);
        Assert.Equal(winner, (await store.LoadLatestAsync(id))!.EncryptedKey.Span[0]);
    }

    [MetastoreFact]
    public async Task ManyVersionsOfOneId_LoadExactly_AndTheLatestIsTheNewest()
    {
        const int Versions = 50;
        var store = await CreateAsync();
        string id = NewId();
        // Stored out of time order (a stride through the versions), a minute apart as key rotation writes them.
        var order = Enumerable.Range(0, Versions).Select(i => i * 7 % Versions).ToArray();
        Assert.Equal(Versions, order.Distinct().Count());

        foreach (int v in order)
        {
            Assert.True(await store.StoreAsync(id, T0.AddMinutes(v), Record(T0.AddMinutes(v), (byte)v)));
        }

        for (int v = 0; v < Versions; v++)
        {
            var loaded = await store.LoadAsync(id, T0.AddMinutes(v));
            Assert.NotNull(loaded);
            Assert.Equal(v, loaded.EncryptedKey.Span[0]);
            Assert.Equal(T0.AddMinutes(v), loaded.Created);
        }

        var latest = await store.LoadLatestAsync(id);
        Assert.Equal(Versions - 1, latest!.EncryptedKey.Span[0]);
        Assert.Equal(T0.AddMinutes(Versions - 1), latest.Created);
        Assert.Null(await store.LoadAsync(id, T0.AddMinutes(Versions)));
    }

    [MetastoreFact]
    public async Task Ids_Of255Characters_RoundTrip_AndDifferInTheLastCharacter()
    {
        // Canonical's column is VARCHAR(255): 255 characters, ASCII or not (4-byte UTF-8 code points too).
        var store = await CreateAsync();
        string unique = Guid.NewGuid().ToString("N");
        string ascii = "_IK_" + unique + new string('a', 255 - 4 - unique.Length);
        string fourByte = "_IK_" + unique + string.Concat(Enumerable.Repeat("🔑", 255 - 4 - unique.Length));
        string threeByte = "_IK_" + unique + new string('鍵', 255 - 4 - unique.Length);

        foreach (string id in new[] { ascii, fourByte, threeByte })
        {
            Assert.Equal(255, id.EnumerateRunes().Count());
            string sibling = string.Concat(id.EnumerateRunes().SkipLast(1).Select(r => r.ToString())) + "b";
            Assert.Equal(255, sibling.EnumerateRunes().Count());

            Assert.True(await store.StoreAsync(id, T0, Record(T0, 1)));
            Assert.True(await store.StoreAsync(sibling, T0, Record(T0, 2)));

            Assert.Equal(1, (await store.LoadAsync(id, T0))!.EncryptedKey.Span[0]);
            Assert.Equal(1, (await store.LoadLatestAsync(id))!.EncryptedKey.Span[0]);
            Assert.Equal(2, (await store.LoadLatestAsync(sibling))!.EncryptedKey.Span[0]);
            Assert.False(await store.StoreAsync(id, T0, Record(T0, 3)));
        }

        if (store is IMetastoreCatalog catalog)
        {
            var listed = new HashSet<string>(StringComparer.Ordinal);
            await foreach (var row in catalog.ListAsync())
            {
                if (row.KeyId.Contains(unique, StringComparison.Ordinal))
                {
                    listed.Add(row.KeyId);
                }
            }

            Assert.Contains(ascii, listed);
            Assert.Contains(fourByte, listed);
            Assert.Contains(threeByte, listed);
        }
    }

    [MetastoreFact]
    public async Task CanonicalRows_ReadBack_AndTheirDataRowRecordsDecrypt()
    {
        var files = CanonicalVectors.Unsuffixed();
        Assert.True(files.Count >= 4, $"expected the unsuffixed canonical vector files, found {files.Count}");
        foreach (var vectors in files)
        {
            var table = await CreateEmptyAsync();
            foreach (var row in vectors.Rows)
            {
                await table.InsertAsCanonicalAsync(row.Id, row.Created, row.KeyRecordJson);
            }

            foreach (var row in vectors.Rows)
            {
                var expected = EnvelopeKeyRecord.Parse(row.KeyRecordJson).ToJson();
                Assert.Equal(expected, (await table.Store.LoadAsync(row.Id, row.Created))?.ToJson());
                Assert.Equal(expected, (await table.Store.LoadLatestAsync(row.Id))?.ToJson());
            }

            using var factory = SessionFactory.NewBuilder(vectors.Product, vectors.Service).WithMetastore(table.Store)
                .WithNeverExpiredCryptoPolicy().WithStaticKeyManagementService(vectors.StaticMasterKey).Build();
            foreach (var c in vectors.Cases)
            {
                using var session = factory.GetSessionBytes(c.Partition);
                Assert.Equal(c.Plaintext, await session.DecryptAsync(Encoding.UTF8.GetBytes(c.DataRowRecord)));
            }
        }
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

    [MetastoreFact]
    public async Task Revoke_OfStoredRecord_SetsRevokedAndKeepsEveryOtherField()
    {
        var store = await CreateAsync();
        var revoker = Assert.IsAssignableFrom<IKeyRevoker>(store);
        string id = NewId();
        var record = Record(T0, 9, "_SK_service_product");
        await store.StoreAsync(id, T0, record);
        await store.StoreAsync(id, T0.AddMinutes(1), Record(T0.AddMinutes(1), 10, "_SK_service_product"));

        Assert.True(await revoker.RevokeAsync(id, T0));

        var loaded = await store.LoadAsync(id, T0);
        Assert.Equal(record.WithRevoked(true).ToJson(), loaded!.ToJson());
        Assert.False((await store.LoadAsync(id, T0.AddMinutes(1)))!.IsRevoked);
        Assert.False((await store.LoadLatestAsync(id))!.IsRevoked);
    }

    [MetastoreFact]
    public async Task Revoke_Twice_StaysRevoked_AndTheLatestReadsRevoked()
    {
        var store = await CreateAsync();
        var revoker = Assert.IsAssignableFrom<IKeyRevoker>(store);
        string id = NewId();
        await store.StoreAsync(id, T0, Record(T0, 3, "_SK_service_product"));

        Assert.True(await revoker.RevokeAsync(id, T0));
        Assert.True(await revoker.RevokeAsync(id, T0));

        Assert.True((await store.LoadLatestAsync(id))!.IsRevoked);
    }

    [MetastoreFact]
    public async Task Revoke_OfMissingRecord_ReturnsFalse_AndCreatesNothing()
    {
        var store = await CreateAsync();
        var revoker = Assert.IsAssignableFrom<IKeyRevoker>(store);
        string id = NewId();
        await store.StoreAsync(id, T0, Record(T0, 4));

        Assert.False(await revoker.RevokeAsync(id, T0.AddSeconds(1)));
        Assert.False(await revoker.RevokeAsync(NewId(), T0));

        Assert.Null(await store.LoadAsync(id, T0.AddSeconds(1)));
        Assert.False((await store.LoadAsync(id, T0))!.IsRevoked);
    }
}
