using Asherah.Tools.Hosting;

namespace Asherah.Cli.Tests.Configuration;

/// <summary>The development key file is created atomically: never seen empty or partial, one winner under concurrency.</summary>
public sealed class DevelopmentMasterKeyTests : IDisposable
{
    private readonly CliRun _cli = new();

    public void Dispose() => _cli.Dispose();

    private string KeyFile => Path.Combine(_cli.DataDir, "master.key");

    [Fact]
    public async Task ConcurrentFirstRuns_AllSucceedAndShareOneKey()
    {
        // Several first invocations at once (fresh data directory, no key yet), each with its own console.
        var payloads = Enumerable.Range(0, 8).Select(i => new byte[] { (byte)i, 42 }).ToArray();
        var encrypted = await Task.WhenAll(payloads.Select(p => Task.Run(() => _cli.RunAsync(p, "encrypt", "--partition", "shared"))));

        Assert.All(encrypted, r => Assert.True(r.ExitCode == 0, r.Stderr));
        Assert.Equal(32, new FileInfo(KeyFile).Length);
        Assert.Empty(Directory.GetFiles(_cli.DataDir, "*.tmp"));

        // Each record decrypts with the key left on disk: every run used that one key.
        for (int i = 0; i < payloads.Length; i++)
        {
            var decrypted = await _cli.RunAsync(encrypted[i].Stdout, "decrypt", "--partition", "shared");
            Assert.True(decrypted.ExitCode == 0, decrypted.Stderr);
            Assert.Equal(payloads[i], decrypted.Stdout);
        }
    }

    [Fact]
    public void ConcurrentCreation_NeverExposesAnIncompleteKeyFile()
    {
        // Readers racing the creators must find either no file or all 32 bytes; never an empty or partial one.
        for (int round = 0; round < 40; round++)
        {
            var path = Path.Combine(_cli.DataDir, $"race-{round}.key");
            using var start = new Barrier(6);
            var failures = new System.Collections.Concurrent.ConcurrentBag<Exception>();
            var threads = Enumerable.Range(0, 6).Select(_ => new Thread(() =>
            {
                start.SignalAndWait();
                try
                {
                    DevelopmentMasterKey.EnsureCreated(path);
                    long length = new FileInfo(path).Length;
                    if (length != 32)
                    {
                        failures.Add(new InvalidDataException($"the key file held {length} bytes right after EnsureCreated"));
                    }
                }
                catch (Exception ex)
                {
                    failures.Add(ex);
                }
            })).ToList();
            threads.ForEach(t => t.Start());
            threads.ForEach(t => t.Join());

            Assert.Empty(failures);
            Assert.Equal(32, new FileInfo(path).Length);
        }

        Assert.Empty(Directory.GetFiles(_cli.DataDir, "*.tmp"));
    }

    [Fact]
    public void CreationKilledBeforePublishing_LeavesNoKeyFile_AndTheNextRunCreatesOne()
    {
        // The exception stands for a kill after the key was written but before it was moved into place.
        Assert.Throws<SimulatedKill>(() => DevelopmentMasterKey.EnsureCreated(KeyFile, temporary =>
        {
            Assert.Equal(32, new FileInfo(temporary).Length);
            if (!OperatingSystem.IsWindows())
            {
                Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite, File.GetUnixFileMode(temporary));
            }

            throw new SimulatedKill();
        }));

        Assert.False(File.Exists(KeyFile));
        DevelopmentMasterKey.EnsureCreated(KeyFile);
        Assert.Equal(32, new FileInfo(KeyFile).Length);
    }

    [Fact]
    public async Task CreationThatLosesTheRace_KeepsTheWinnersKey()
    {
        // A writes its key; before A publishes, B creates and publishes another. A must keep B's file, not replace it.
        byte[]? loserKey = null;
        byte[]? winnerKey = null;
        DevelopmentMasterKey.EnsureCreated(KeyFile, loserTemporary =>
        {
            loserKey = File.ReadAllBytes(loserTemporary);
            DevelopmentMasterKey.EnsureCreated(KeyFile, winnerTemporary => winnerKey = File.ReadAllBytes(winnerTemporary));
        });

        Assert.NotNull(loserKey);
        Assert.NotNull(winnerKey);
        Assert.NotEqual(loserKey, winnerKey);
        Assert.Equal(winnerKey, await File.ReadAllBytesAsync(KeyFile));
        Assert.Empty(Directory.GetFiles(_cli.DataDir, "*.tmp"));
    }

    private sealed class SimulatedKill : Exception
    {
    }

    [Fact]
    public async Task PartialTemporaryFileFromAKilledRun_DoesNotBreakTheNextRun()
    {
        // What a run killed after writing 10 bytes of its temporary key leaves behind.
        var leftover = Path.Combine(_cli.DataDir, ".master.key.0123456789abcdef0123456789abcdef.tmp");
        await File.WriteAllBytesAsync(leftover, "0123456789"u8.ToArray());

        var encrypted = await _cli.RunAsync("after a crash"u8.ToArray(), "encrypt");
        var decrypted = await _cli.RunAsync(encrypted.Stdout, "decrypt");

        Assert.Equal(0, encrypted.ExitCode);
        Assert.Equal(0, decrypted.ExitCode);
        Assert.Equal("after a crash"u8.ToArray(), decrypted.Stdout);
        Assert.Equal(32, new FileInfo(KeyFile).Length);
        Assert.Equal("0123456789"u8.ToArray(), await File.ReadAllBytesAsync(leftover));
    }

    [Fact]
    public async Task CreatedKeyFile_IsOwnerOnlyFromTheStart()
    {
        Assert.Equal(0, (await _cli.RunAsync("x"u8.ToArray(), "encrypt")).ExitCode);

        if (!OperatingSystem.IsWindows())
        {
            Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite, File.GetUnixFileMode(KeyFile));
        }
    }

    [Fact]
    public async Task KeyFileIsADirectory_IsAUsageErrorNamingIt()
    {
        var directory = Path.Combine(_cli.DataDir, "key-dir");
        Directory.CreateDirectory(directory);
        _cli.Environment["ASHERAH_MASTER_KEY_FILE"] = directory;

        var result = await _cli.RunAsync("x"u8.ToArray(), "encrypt");

        Assert.Equal(2, result.ExitCode);
        Assert.Contains($"asherah: The master key file '{directory}' is a directory.", result.StderrLines);
    }

    [Fact]
    public async Task KeyFileUnderAFile_SaysWhichPathIsAFile()
    {
        var file = Path.Combine(_cli.DataDir, "plain");
        await File.WriteAllTextAsync(file, "x");
        var keyFile = Path.Combine(file, "sub", "master.key");
        _cli.Environment["ASHERAH_MASTER_KEY_FILE"] = keyFile;

        var result = await _cli.RunAsync("x"u8.ToArray(), "encrypt");

        Assert.Equal(1, result.ExitCode);
        Assert.Contains($"asherah: cannot create the master key file '{keyFile}': '{file}' is a file, not a directory.", result.StderrLines);
    }

    [Fact]
    public async Task EmptyKeyFile_IsRefusedNamingTheFileNotReplaced()
    {
        await File.WriteAllBytesAsync(KeyFile, []);

        var result = await _cli.RunAsync("x"u8.ToArray(), "encrypt");

        Assert.Equal(2, result.ExitCode);
        Assert.Contains(KeyFile, result.Stderr, StringComparison.Ordinal);
        Assert.Equal(0, new FileInfo(KeyFile).Length);
    }
}
