using System.Diagnostics;
using System.Runtime.InteropServices;
using System.Text;
using Asherah;
using Asherah.SecureMemory;
using Microsoft.Extensions.Logging;

// Usage: Asherah.SecureMemory.Probe <command> [args]
// Exit codes: 0 success; 2 SecureMemoryException (message on stdout); 3 corruption found; 4 a fault did not happen;
// 64 bad usage. A fault kills the process with SIGSEGV (exit status 139 as seen by a parent).
return args.Length == 0 ? Usage() : args[0] switch
{
    "guard" => Probe.Guard(args[1]),
    "strict-fault" => Probe.StrictFault(),
    "exhaust" => Probe.Exhaust(int.Parse(args[1]), args.Length > 2 && args[2] == "fallback"),
    "capacity" => Probe.Capacity(int.Parse(args[1]), int.Parse(args[2])),
    "strict-stress" => Probe.StrictStress(double.Parse(args[1]), int.Parse(args[2])),
    "core-dumps" => Probe.DisableCoreDumps(),
    "quick-start" => Probe.QuickStart(int.Parse(args[1])),
    "bench" => Probe.Bench(int.Parse(args[1])),
    "memory-pressure" => Probe.MemoryPressure(int.Parse(args[1]), args[2], args[3] == "on"),
    _ => Usage(),
};

static int Usage()
{
    Console.Error.WriteLine("commands: guard before|after | strict-fault | exhaust <count> [fallback] | capacity <count> <size> | "
        + "strict-stress <seconds> <threads> | core-dumps | quick-start <partitions> | bench <iterations> | "
        + "memory-pressure <partitions> <policy> on|off");
    return 64;
}

internal static unsafe partial class Probe
{
    public static int Guard(string where)
    {
        CoreDumps.Disable(); // the fault is expected; do not leave a core file behind
        using var allocator = new SlabAllocator(new SecureMemoryOptions());
        SecureBuffer buffer = allocator.Allocate(48);
        (nint start, int length) = SlabAllocator.ChunkBounds(buffer);
        nint target = where == "before" ? start - 1 : start + length;
        Console.WriteLine($"touching {where} guard at 0x{target:x}");
        Console.Out.Flush();
        Touch(target);
        Console.WriteLine("survived");
        return 4;
    }

    public static int StrictFault()
    {
        CoreDumps.Disable();
        using var allocator = new SlabAllocator(new SecureMemoryOptions { StrictProtection = true });
        SecureBuffer buffer = allocator.Allocate(32);
        buffer.EnterAccess();
        buffer.Span.Fill(0x5A);
        Touch((nint)buffer.Pointer); // fine: inside an access
        buffer.ExitAccess();
        Console.WriteLine("accessed inside EnterAccess/ExitAccess; touching after ExitAccess");
        Console.Out.Flush();
        Touch((nint)buffer.Pointer);
        Console.WriteLine("survived");
        return 4;
    }

    public static int Exhaust(int count, bool fallback)
    {
        var logger = new ConsoleLogger();
        using var allocator = new SlabAllocator(new SecureMemoryOptions { AllowUnlockedFallback = fallback }, logger);
        var buffers = new List<SecureBuffer>();
        try
        {
            for (int i = 0; i < count; i++)
            {
                SecureBuffer b = allocator.Allocate(48);
                b.EnterAccess();
                b.Span.Fill((byte)i);
                b.ExitAccess();
                buffers.Add(b);
            }
        }
        catch (SecureMemoryException e)
        {
            Console.WriteLine($"REFUSED after {buffers.Count}: {e.Message}");
            Console.WriteLine($"ERRNO {e.ErrorCode}");
            return 2;
        }

        for (int i = 0; i < buffers.Count; i++)
        {
            if (buffers[i].Span.IndexOfAnyExcept((byte)i) >= 0)
            {
                Console.WriteLine($"CORRUPT {i}");
                return 3;
            }
        }

        SecureBuffer last = buffers[^1];
        Console.WriteLine($"OK {buffers.Count} locked={allocator.LockedBytes} unlocked={allocator.UnlockedBytes}");
        Console.WriteLine($"LAST-VMFLAGS {VmFlagsOf((nint)last.Pointer)}");
        foreach (SecureBuffer b in buffers)
        {
            b.Free();
        }

        return 0;
    }

    public static int Capacity(int count, int size)
    {
        using var allocator = new SlabAllocator(new SecureMemoryOptions());
        var buffers = new SecureBuffer[count];
        var watch = Stopwatch.StartNew();
        try
        {
            for (int i = 0; i < count; i++)
            {
                buffers[i] = allocator.Allocate(size);
                buffers[i].Span.Fill((byte)(i * 7));
            }
        }
        catch (SecureMemoryException e)
        {
            Console.WriteLine($"REFUSED: {e.Message}");
            return 2;
        }

        watch.Stop();
        for (int i = 0; i < count; i++)
        {
            if (buffers[i].Span.IndexOfAnyExcept((byte)(i * 7)) >= 0)
            {
                Console.WriteLine($"CORRUPT {i}");
                return 3;
            }
        }

        Console.WriteLine($"BUFFERS {allocator.AllocatedBuffers}");
        Console.WriteLine($"LOCKED {allocator.LockedBytes}");
        Console.WriteLine($"PROCESS-LOCKED {SecureMemoryStatistics.LockedBytes}");
        Console.WriteLine($"UNLOCKED {allocator.UnlockedBytes}");
        Console.WriteLine($"VMLCK {VmLckBytes()}");
        Console.WriteLine($"ELAPSED-MS {watch.ElapsedMilliseconds}");
        return 0;
    }

    public static int StrictStress(double seconds, int threads)
    {
        using var allocator = new SlabAllocator(new SecureMemoryOptions { StrictProtection = true });

        // Shared buffers: many readers overlap on the same pages, which is what the access counting must survive.
        const int Shared = 512;
        var shared = new SecureBuffer[Shared];
        for (int i = 0; i < Shared; i++)
        {
            shared[i] = allocator.Allocate(48);
            shared[i].EnterAccess();
            shared[i].Span.Fill((byte)i);
            shared[i].ExitAccess();
        }

        long accesses = 0;
        int corrupt = 0;
        var deadline = Stopwatch.StartNew();
        var workers = new Thread[threads];
        for (int t = 0; t < threads; t++)
        {
            int id = t;
            workers[t] = new Thread(() =>
            {
                var random = new Random(id);
                long mine = 0;
                while (deadline.Elapsed.TotalSeconds < seconds)
                {
                    if (id % 4 == 0)
                    {
                        // A writer of private buffers: allocate, fill, verify, free, on pages shared with the readers.
                        SecureBuffer own = allocator.Allocate(48);
                        own.EnterAccess();
                        own.Span.Fill((byte)id);
                        bool ok = own.Span.IndexOfAnyExcept((byte)id) < 0;
                        own.ExitAccess();
                        own.Free();
                        if (!ok)
                        {
                            Interlocked.Increment(ref corrupt);
                        }
                    }
                    else
                    {
                        int i = random.Next(Shared);
                        SecureBuffer b = shared[i];
                        b.EnterAccess();
                        try
                        {
                            if (b.Span.IndexOfAnyExcept((byte)i) >= 0)
                            {
                                Interlocked.Increment(ref corrupt);
                            }
                        }
                        finally
                        {
                            b.ExitAccess();
                        }
                    }

                    mine++;
                }

                Interlocked.Add(ref accesses, mine);
            });
            workers[t].Start();
        }

        foreach (Thread w in workers)
        {
            w.Join();
        }

        Console.WriteLine($"ACCESSES {accesses} CORRUPT {corrupt}");
        return corrupt == 0 ? 0 : 3;
    }

    public static int DisableCoreDumps()
    {
        Console.WriteLine($"BEFORE {CoreDumps.AreDisabled}");
        SecureAllocator allocator = SecureAllocators.Create(new SecureMemoryOptions { DisableCoreDumps = true }, new ConsoleLogger());
        Console.WriteLine($"AFTER {CoreDumps.AreDisabled}");
        Console.WriteLine(File.ReadLines("/proc/self/limits").First(l => l.StartsWith("Max core file size", StringComparison.Ordinal)));
        allocator.Allocate(16).Free();
        return 0;
    }

    /// <summary>The README quick start through the public API, in <paramref name="partitions"/> partitions.</summary>
    public static int QuickStart(int partitions)
    {
        try
        {
            using var factory = SessionFactory.NewBuilder("my-product", "my-service")
                .WithMetastore(new InMemoryMetastore())
                .WithCryptoPolicy(new BasicExpiringCryptoPolicy { KeyExpiration = TimeSpan.FromDays(90) })
                .WithStaticKeyManagementService("thisIsAStaticMasterKeyForTesting")
                .Build();
            for (int i = 0; i < partitions; i++)
            {
                using var session = factory.GetSessionBytes("user-" + i);
                string secret = "my secret " + i;
                byte[] record = session.Encrypt(Encoding.UTF8.GetBytes(secret));
                if (Encoding.UTF8.GetString(session.Decrypt(record)) != secret)
                {
                    Console.WriteLine($"CORRUPT {i}");
                    return 3;
                }
            }
        }
        catch (SecureMemoryException e)
        {
            Console.WriteLine($"REFUSED: {e.Message}");
            return 2;
        }

        Console.WriteLine($"PARTITIONS {partitions}");
        Console.WriteLine($"LOCKED {SecureMemoryStatistics.LockedBytes}");
        Console.WriteLine($"UNLOCKED {SecureMemoryStatistics.UnlockedBytes}");
        Console.WriteLine($"VMLCK {VmLckBytes()}");
        return 0;
    }

    public static int Bench(int iterations)
    {
        foreach (bool strict in new[] { false, true })
        {
            using var allocator = new SlabAllocator(new SecureMemoryOptions { StrictProtection = strict });
            SecureBuffer buffer = allocator.Allocate(48);
            long sink = 0;
            for (int round = 0; round < 3; round++)
            {
                var watch = Stopwatch.StartNew();
                for (int i = 0; i < iterations; i++)
                {
                    buffer.EnterAccess();
                    sink += buffer.Span[i & 31];
                    buffer.ExitAccess();
                }

                watch.Stop();
                Console.WriteLine($"{(strict ? "strict " : "default")} round {round}: {watch.Elapsed.TotalNanoseconds / iterations:F1} ns per EnterAccess/ExitAccess pair (+read)");
            }

            // Two threads on the same page: in strict mode the second joins the open page without a system call.
            SecureBuffer other = allocator.Allocate(48);
            var both = Stopwatch.StartNew();
            Parallel.For(0, 2, t =>
            {
                SecureBuffer b = t == 0 ? buffer : other;
                for (int i = 0; i < iterations; i++)
                {
                    b.EnterAccess();
                    b.ExitAccess();
                }
            });
            both.Stop();
            Console.WriteLine($"{(strict ? "strict " : "default")} 2 threads, same page: {both.Elapsed.TotalNanoseconds / iterations:F1} ns per pair per thread");
            buffer.Free();
            other.Free();
            GC.KeepAlive(sink);
        }

        var alloc = new SlabAllocator(new SecureMemoryOptions());
        var list = new SecureBuffer[iterations / 10];
        for (int round = 0; round < 3; round++)
        {
            // Round 0 maps the chunks; later rounds reuse slots from the free list.
            var a = Stopwatch.StartNew();
            for (int i = 0; i < list.Length; i++)
            {
                list[i] = alloc.Allocate(48);
            }

            for (int i = 0; i < list.Length; i++)
            {
                list[i].Free();
            }

            a.Stop();
            Console.WriteLine($"allocate+free (48 bytes) round {round}: {a.Elapsed.TotalNanoseconds / list.Length:F1} ns per pair");
        }
        alloc.Dispose();
        return 0;
    }

    /// <summary>Touches one byte from native code, so a fault is a plain SIGSEGV rather than a managed exception.</summary>
    private static void Touch(nint address) => Memset(address, 0x41, 1);

    [LibraryImport("libc", EntryPoint = "memset")]
    private static partial nint Memset(nint destination, int value, nuint count);

    private static long VmLckBytes()
    {
        string line = File.ReadLines("/proc/self/status").First(l => l.StartsWith("VmLck:", StringComparison.Ordinal));
        return long.Parse(line.Split(' ', StringSplitOptions.RemoveEmptyEntries)[1]) * 1024;
    }

    private static string VmFlagsOf(nint address)
    {
        bool inside = false;
        foreach (string line in File.ReadLines("/proc/self/smaps"))
        {
            int dash = line.IndexOf('-');
            if (dash > 0 && line.IndexOf(' ') > dash && ulong.TryParse(line.AsSpan(0, dash), System.Globalization.NumberStyles.HexNumber, null, out ulong start))
            {
                ulong end = ulong.Parse(line.AsSpan(dash + 1, line.IndexOf(' ') - dash - 1), System.Globalization.NumberStyles.HexNumber);
                inside = (ulong)address >= start && (ulong)address < end;
            }
            else if (inside && line.StartsWith("VmFlags:", StringComparison.Ordinal))
            {
                return line["VmFlags:".Length..].Trim();
            }
        }

        return "";
    }
}

internal sealed class ConsoleLogger : ILogger
{
    public IDisposable? BeginScope<TState>(TState state)
        where TState : notnull => null;

    public bool IsEnabled(LogLevel logLevel) => logLevel >= LogLevel.Information;

    public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter)
    {
        if (IsEnabled(logLevel))
        {
            Console.WriteLine($"LOG {logLevel} {eventId.Id} {formatter(state, exception)}");
        }
    }
}
