using System.Diagnostics;
using System.Text.Json;
using System.Text.Json.Nodes;
using Asherah.Metastore;
using Xunit.Abstractions;

namespace Asherah.Compatibility.Tests.Reference;

/// <summary>
/// Records this library writes, in the vector schema, pass the independent reference decryptor
/// (shared/tools/refverify.py, Python with the <c>cryptography</c> package).
/// </summary>
public class ReferenceDecryptorTests(ITestOutputHelper output)
{
    private const string MasterKey = "thisIsAStaticMasterKeyForTesting";
    private const string SetupHint = "Run scripts/setup.sh (it installs python3-cryptography) before the compatibility tests, or set ASHERAH_PYTHON.";
    private static readonly TimeSpan ProcessLimit = TimeSpan.FromSeconds(60);

    [Fact]
    public async Task OurRecords_PassTheReferenceDecryptor()
    {
        string python = FindPython();

        string script = Path.Combine(SharedDirectory.Tools, "refverify.py");
        Assert.True(File.Exists(script), $"{script} is missing.");

        string file = Path.Combine(Path.GetTempPath(), $"asherah-dotnet-vectors-{Guid.NewGuid():N}.json");
        try
        {
            await File.WriteAllTextAsync(file, await BuildVectorFileAsync());
            var (code, stdout, errors) = Run(python, $"\"{script}\" \"{file}\"");
            output.WriteLine(stdout);
            Assert.True(code == 0, $"refverify.py exited with {code}:\n{stdout}\n{errors}");
            Assert.Contains(" 10 passed, 0 failed", stdout);
        }
        finally
        {
            File.Delete(file);
        }
    }

    [Fact]
    public async Task ATamperedRecordOfOurs_IsRefusedByTheReferenceDecryptor()
    {
        // Shows the check above can fail: the reference decryptor rejects a record we damaged.
        string python = FindPython();
        var vectors = JsonNode.Parse(await BuildVectorFileAsync())!;
        var first = vectors["cases"]![0]!;
        string drr = first["drr"]!.GetValue<string>();
        int data = drr.IndexOf("\"Data\":\"", StringComparison.Ordinal) + 8;
        first["drr"] = drr[..data] + (drr[data] == 'A' ? 'B' : 'A') + drr[(data + 1)..];

        string file = Path.Combine(Path.GetTempPath(), $"asherah-dotnet-vectors-{Guid.NewGuid():N}.json");
        try
        {
            await File.WriteAllTextAsync(file, vectors.ToJsonString());
            var (code, stdout, _) = Run(python, $"\"{Path.Combine(SharedDirectory.Tools, "refverify.py")}\" \"{file}\"");
            Assert.Equal(1, code);
            Assert.Contains("9 passed, 1 failed", stdout);
        }
        finally
        {
            File.Delete(file);
        }
    }

    /// <summary>
    /// A Python with the <c>cryptography</c> module: ASHERAH_PYTHON, else <c>python3</c> on PATH, else Debian's
    /// /usr/bin/python3 (where scripts/setup.sh installs python3-cryptography).
    /// </summary>
    private static string FindPython()
    {
        var candidates = new[] { Environment.GetEnvironmentVariable("ASHERAH_PYTHON"), "python3", "/usr/bin/python3" };
        var tried = new List<string>();
        foreach (var candidate in candidates)
        {
            if (string.IsNullOrEmpty(candidate))
            {
                continue;
            }

            try
            {
                var (exit, _, stderr) = Run(candidate, "-c \"import cryptography\"");
                if (exit == 0)
                {
                    return candidate;
                }

                tried.Add($"{candidate}: exit {exit} {stderr.Trim()}");
            }
            catch (System.ComponentModel.Win32Exception e)
            {
                tried.Add($"{candidate}: {e.Message}");
            }
        }

        Assert.Fail($"No python3 with the 'cryptography' module ({string.Join("; ", tried)}). {SetupHint}");
        return string.Empty;
    }

    private static async Task<string> BuildVectorFileAsync()
    {
        var metastore = new InMemoryMetastore();
        var cases = new JsonArray();
        using (var factory = SessionFactory.NewBuilder("dotnet-product", "dotnet-service")
            .WithMetastore(metastore)
            .WithNeverExpiredCryptoPolicy()
            .WithStaticKeyManagementService(MasterKey)
            .Build())
        {
            foreach (string partition in new[] { "partition-1", "user_42" })
            {
                using var session = factory.GetSessionBytes(partition);
                foreach (int size in new[] { 0, 1, 16, 64, 1024 })
                {
                    var payload = new byte[size];
                    Random.Shared.NextBytes(payload);
                    byte[] drr = session.Encrypt(payload);
                    cases.Add(new JsonObject
                    {
                        ["partition"] = partition,
                        ["plaintext"] = Convert.ToBase64String(payload),
                        ["drr"] = System.Text.Encoding.UTF8.GetString(drr),
                    });
                }
            }
        }

        var entries = new JsonArray();
        await foreach (var stored in metastore.ListAsync())
        {
            entries.Add(new JsonObject
            {
                ["id"] = stored.KeyId,
                ["created"] = stored.Created.ToUnixTimeSeconds(),
                ["keyRecord"] = JsonNode.Parse(stored.Record.ToJson()),
            });
        }

        Assert.Equal(3, entries.Count); // one system key, two intermediate keys
        var file = new JsonObject
        {
            ["product"] = "dotnet-product",
            ["service"] = "dotnet-service",
            ["staticMasterKey"] = MasterKey,
            ["regionSuffix"] = null,
            ["note"] = "2 partitions x payload sizes {0,1,16,64,1024}, random bytes; bytes session; never-expired policy; static KMS.",
            ["generator"] = "Asherah for .NET " + typeof(SessionFactory).Assembly.GetName().Version,
            ["metastore"] = entries,
            ["cases"] = cases,
        };
        return file.ToJsonString(new JsonSerializerOptions { WriteIndented = true });
    }

    private static (int ExitCode, string Stdout, string Stderr) Run(string fileName, string arguments)
    {
        Process process;
        try
        {
            process = Process.Start(new ProcessStartInfo(fileName, arguments)
            {
                RedirectStandardOutput = true,
                RedirectStandardError = true,
                UseShellExecute = false,
            })!;
        }
        catch (System.ComponentModel.Win32Exception e)
        {
            return (-1, string.Empty, $"could not start {fileName}: {e.Message}");
        }

        using (process)
        {
            var stdout = process.StandardOutput.ReadToEndAsync();
            var stderr = process.StandardError.ReadToEndAsync();
            if (!process.WaitForExit(ProcessLimit))
            {
                process.Kill(entireProcessTree: true);
                return (-2, stdout.Result, $"{fileName} did not finish within {ProcessLimit.TotalSeconds} s");
            }

            process.WaitForExit();
            return (process.ExitCode, stdout.Result, stderr.Result);
        }
    }
}
