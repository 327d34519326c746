using System.CommandLine;
using System.Diagnostics;
using System.Text.Json;

namespace Asherah.Cli.Commands;

/// <summary>
/// <c>asherah bench</c>: a short encrypt/decrypt measurement with hot caches (in-memory metastore, static KMS, one
/// partition, one thread) that prints JSON, so any machine can be compared quickly. BenchmarkDotNet in
/// <c>bench/</c> gives the careful figures.
/// </summary>
/// <remarks>
/// <code>
/// {"engine": "intrinsics|platform", "encrypt_64_ns": n, "decrypt_64_ns": n, "encrypt_1024_ns": n, "decrypt_1024_ns": n,
///  "encrypt_8192_ns": n, "decrypt_8192_ns": n}
/// </code>
/// Each figure is the median of several timed batches, in nanoseconds per operation, through the byte[] API, after up to 1.5 s
/// of warm-up so that tiered compilation has produced optimised code.
/// </remarks>
internal static class BenchCommand
{
    private static readonly int[] Sizes = [64, 1024, 8192];

    public static Command Create(CliConsole console)
    {
        var engine = new Option<AesGcmEngineKind>("--engine") { Description = "AES-GCM engine: Auto, Intrinsics or Platform.", DefaultValueFactory = _ => AesGcmEngineKind.Auto };
        var duration = new Option<int>("--milliseconds") { Description = "Time to spend per measurement.", DefaultValueFactory = _ => 300 };
        var command = new Command("bench", "Measure encrypt and decrypt quickly and print JSON (ns per operation).") { engine, duration };
        command.SetAction((parseResult, cancellationToken) => CommandRunner.RunAsync(console, async () =>
        {
            int milliseconds = parseResult.GetValue(duration);
            if (milliseconds <= 0)
            {
                throw new InvalidSettingException("--milliseconds must be positive.");
            }

            await using var factory = SessionFactory.NewBuilder("bench-product", "bench-service")
                .WithMetastore(new InMemoryMetastore())
                .WithNeverExpiredCryptoPolicy()
                .WithAesGcmEngine(parseResult.GetValue(engine))
                .WithStaticKeyManagementService("thisIsAStaticMasterKeyForTesting")
                .Build();
            using var session = factory.GetSessionBytes("bench-partition");

            // Let tiered compilation reach its optimised code before anything is timed.
            var operations = Sizes.Select(size =>
            {
                var payload = new byte[size];
                Random.Shared.NextBytes(payload);
                return (Size: size, Payload: payload, Record: session.Encrypt(payload));
            }).ToArray();
            var warmUp = Stopwatch.StartNew();
            while (warmUp.ElapsedMilliseconds < Math.Min(1500, 5 * milliseconds))
            {
                foreach (var (_, payload, record) in operations)
                {
                    session.Encrypt(payload);
                    session.Decrypt(record);
                }
            }

            await using (var writer = new Utf8JsonWriter(console.Output))
            {
                writer.WriteStartObject();
                writer.WriteString("engine", factory.AesGcmEngine.ToString().ToLowerInvariant());
                foreach (var (size, payload, record) in operations)
                {
                    cancellationToken.ThrowIfCancellationRequested();
                    writer.WriteNumber($"encrypt_{size}_ns", Measure(() => session.Encrypt(payload), milliseconds));
                    writer.WriteNumber($"decrypt_{size}_ns", Measure(() => session.Decrypt(record), milliseconds));
                }

                writer.WriteEndObject();
            }

            await console.Out.WriteLineAsync();
            return 0;
        }));
        return command;
    }

    /// <summary>Median ns per call over batches, after a warm-up that also sizes the batches.</summary>
    private static double Measure(Func<byte[]> operation, int milliseconds)
    {
        const int batches = 9;
        var clock = Stopwatch.StartNew();
        long calls = 0;
        while (clock.ElapsedMilliseconds < milliseconds / 4 || calls < 1000)
        {
            operation();
            calls++;
        }

        long perBatch = Math.Max(1, calls * 4 / batches);
        var results = new double[batches];
        for (int b = 0; b < batches; b++)
        {
            long start = Stopwatch.GetTimestamp();
            for (long i = 0; i < perBatch; i++)
            {
                operation();
            }

            results[b] = Stopwatch.GetElapsedTime(start).TotalNanoseconds / perBatch;
        }

        Array.Sort(results);
        return Math.Round(results[batches / 2], 1);
    }
}
