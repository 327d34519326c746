using System.Diagnostics.Metrics;
using System.Text;
using Asherah;

/// <summary>The memory-pressure policy end to end, under whatever RLIMIT_MEMLOCK the parent set.</summary>
internal static partial class Probe
{
    /// <summary>
    /// Encrypts one record in each of <paramref name="partitions"/> partitions through a factory whose shared
    /// intermediate-key cache (<paramref name="policy"/>, maximum 1,000,000) would keep every key, then decrypts them
    /// all. Prints ENCRYPTED, DECRYPTED, SHRINKS (asherah.cache.resizes with direction=shrink), CAPACITY (the
    /// intermediate-key tier's asherah.cache.capacity at the end) and LOCKED; logs go to stdout as "LOG level id text".
    /// </summary>
    public static int MemoryPressure(int partitions, string policy, bool shrinking)
    {
        long shrinks = 0;
        long capacity = -1;
        using var listener = new MeterListener();
        listener.InstrumentPublished = (instrument, l) =>
        {
            if (instrument.Meter.Name == "Asherah" && instrument.Name is "asherah.cache.resizes" or "asherah.cache.capacity")
            {
                l.EnableMeasurementEvents(instrument);
            }
        };
        listener.SetMeasurementEventCallback<long>((instrument, value, tags, _) =>
        {
            if (Tag(tags, "direction") == "shrink")
            {
                Interlocked.Add(ref shrinks, value);
            }
        });
        listener.SetMeasurementEventCallback<int>((instrument, value, tags, _) =>
        {
            if (Tag(tags, "tier") == "intermediate_key")
            {
                capacity = value;
            }
        });
        listener.Start();

        var cryptoPolicy = new NeverExpiredCryptoPolicy
        {
            SharedIntermediateKeyCache = true,
            IntermediateKeyCacheEvictionPolicy = Enum.Parse<CacheEvictionPolicy>(policy, ignoreCase: true),
            IntermediateKeyCacheMaxSize = 1_000_000,
        };
        cryptoPolicy.MemoryPressure.Enabled = shrinking;
        cryptoPolicy.MemoryPressure.MinimumCacheSize = 10;
        var records = new byte[partitions][];
        int encrypted = 0;
        int decrypted = 0;
        try
        {
            using var factory = SessionFactory.NewBuilder("my-product", "my-service")
                .WithMetastore(new InMemoryMetastore())
                .WithCryptoPolicy(cryptoPolicy)
                .WithStaticKeyManagementService("thisIsAStaticMasterKeyForTesting")
                .WithLogger(new ConsoleLogger())
                .Build();
            for (int i = 0; i < partitions; i++)
            {
                using var session = factory.GetSessionBytes("user-" + i);
                records[i] = session.Encrypt(Encoding.UTF8.GetBytes("secret " + i));
                encrypted++;
            }

            for (int i = 0; i < partitions; i++)
            {
                using var session = factory.GetSessionBytes("user-" + i);
                if (Encoding.UTF8.GetString(session.Decrypt(records[i])) != "secret " + i)
                {
                    Console.WriteLine($"CORRUPT {i}");
                    return 3;
                }

                decrypted++;
            }

            listener.RecordObservableInstruments();
        }
        catch (SecureMemoryException e)
        {
            Console.WriteLine($"ENCRYPTED {encrypted}");
            Console.WriteLine($"DECRYPTED {decrypted}");
            Console.WriteLine($"REFUSED: {e.Message}");
            return 2;
        }

        Console.WriteLine($"ENCRYPTED {encrypted}");
        Console.WriteLine($"DECRYPTED {decrypted}");
        Console.WriteLine($"SHRINKS {Interlocked.Read(ref shrinks)}");
        Console.WriteLine($"CAPACITY {capacity}");
        Console.WriteLine($"LOCKED {SecureMemoryStatistics.LockedBytes}");
        return 0;
    }

    private static string? Tag(ReadOnlySpan<KeyValuePair<string, object?>> tags, string name)
    {
        foreach (var tag in tags)
        {
            if (tag.Key == name)
            {
                return tag.Value as string;
            }
        }

        return null;
    }
}
