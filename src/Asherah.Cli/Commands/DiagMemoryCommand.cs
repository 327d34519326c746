using System.CommandLine;
using System.Security.Cryptography;
using System.Text.Json;

namespace Asherah.Cli.Commands;

/// <summary>
/// <c>asherah diag memory --keys N</c>: caches N intermediate keys through the public API (N partitions, session cache
/// on, in-memory metastore, a random static master key) and prints how much memory the process has locked.
/// </summary>
/// <remarks>
/// <code>
/// {"keys_cached": N, "partitions": N, "vmlck_before_bytes": n, "vmlck_after_bytes": n, "secure_memory_locked_bytes": n,
///  "secure_memory_unlocked_bytes": n, "secure_memory_buffers": n, "aes_gcm_engine": "intrinsics|platform", "strict": bool}
/// </code>
/// <c>keys_cached</c> counts the intermediate keys plus the system key. <c>vmlck_*</c> come from /proc/self/status
/// (Linux; -1 elsewhere).
/// </remarks>
internal static class DiagMemoryCommand
{
    public static Command Create(CliConsole console)
    {
        var keys = new Option<int>("--keys") { Description = "How many intermediate keys to cache.", DefaultValueFactory = _ => 1000 };
        var strict = new Option<bool>("--strict") { Description = "Keep key memory unreadable except while in use (SecureMemoryOptions.StrictProtection)." };
        var fallback = new Option<bool>("--allow-unlocked-fallback") { Description = "Use unlocked (still guarded, wiped) memory when the memlock limit is reached." };
        var command = new Command("memory", "Cache N keys and report the process's locked memory as JSON.") { keys, strict, fallback };
        command.SetAction((parseResult, cancellationToken) => CommandRunner.RunAsync(console, async () =>
        {
            int count = parseResult.GetValue(keys);
            if (count < 0)
            {
                throw new InvalidSettingException("--keys must be zero or more.");
            }

            long before = VmLck();
            var options = new SecureMemoryOptions
            {
                StrictProtection = parseResult.GetValue(strict),
                AllowUnlockedFallback = parseResult.GetValue(fallback),
            };
            var policy = new NeverExpiredCryptoPolicy { CacheSessions = true, SessionCacheMaxSize = Math.Max(1, count) };
            await using var factory = SessionFactory.NewBuilder("diag-product", "diag-service")
                .WithMetastore(new InMemoryMetastore())
                .WithCryptoPolicy(policy)
                .WithSecureMemory(options)
                .WithStaticKeyManagementService(RandomMasterKey())
                .Build();
            byte[] payload = [0];
            for (int i = 0; i < count; i++)
            {
                cancellationToken.ThrowIfCancellationRequested();
                using var session = factory.GetSessionBytes("partition-" + i);
                session.Encrypt(payload);
            }

            long after = VmLck();
            await using (var writer = new Utf8JsonWriter(console.Output))
            {
                writer.WriteStartObject();
                writer.WriteNumber("keys_cached", count == 0 ? 0 : count + 1);
                writer.WriteNumber("partitions", count);
                writer.WriteNumber("vmlck_before_bytes", before);
                writer.WriteNumber("vmlck_after_bytes", after);
                writer.WriteNumber("secure_memory_locked_bytes", SecureMemoryStatistics.LockedBytes);
                writer.WriteNumber("secure_memory_unlocked_bytes", SecureMemoryStatistics.UnlockedBytes);
                writer.WriteNumber("secure_memory_buffers", SecureMemoryStatistics.AllocatedBuffers);
                writer.WriteString("aes_gcm_engine", factory.AesGcmEngine.ToString().ToLowerInvariant());
                writer.WriteBoolean("strict", options.StrictProtection);
                writer.WriteEndObject();
            }

            await console.Out.WriteLineAsync();
            return 0;
        }));
        return command;
    }

    private static string RandomMasterKey()
    {
        const string alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789";
        return RandomNumberGenerator.GetString(alphabet, 32);
    }

    /// <summary>The process's locked memory in bytes from /proc/self/status, or -1 where there is none.</summary>
    private static long VmLck()
    {
        if (!File.Exists("/proc/self/status"))
        {
            return -1;
        }

        foreach (string line in File.ReadLines("/proc/self/status"))
        {
            if (line.StartsWith("VmLck:", StringComparison.Ordinal))
            {
                var parts = line["VmLck:".Length..].Trim().Split(' ', StringSplitOptions.RemoveEmptyEntries);
                return long.Parse(parts[0], System.Globalization.CultureInfo.InvariantCulture) * 1024;
            }
        }

        return -1;
    }
}
