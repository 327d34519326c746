using System.Text;
using Asherah.KeyManagement;
using Microsoft.Extensions.Time.Testing;
using Xunit.Abstractions;

namespace Asherah.Compatibility.Tests.Vectors;

/// <summary>Every record in shared/vectors decrypts to its plaintext, and every damaged record is refused.</summary>
public class CanonicalVectorTests(ITestOutputHelper output)
{
    // Generous: a refusal must never hang. Nothing here measures speed.
    private static readonly TimeSpan HangLimit = TimeSpan.FromSeconds(15);

    public static IEnumerable<object[]> Files => VectorFile.AllNames();

    [Fact]
    public void SharedVectors_AreFound_WithTheCanonicalFiles()
    {
        Assert.True(SharedDirectory.Exists, "shared/vectors was not found above " + AppContext.BaseDirectory);
        var names = Directory.GetFiles(SharedDirectory.Vectors, "*.json").Select(Path.GetFileName).ToHashSet();
        foreach (var expected in new[] { "canonical-basic.json", "canonical-basic-altkey.json", "canonical-unicode.json", "canonical-large.json", "canonical-suffixed.json", "canonical-suffixed-crossregion.json", "canonical-json-session.json", "bad-inputs.json" })
        {
            Assert.Contains(expected, names);
        }
    }

    [Theory]
    [MemberData(nameof(Files))]
    public void EveryCase_InVectorFile_DecryptsOrIsRefusedAsExpected(string fileName)
    {
        var file = VectorFile.Load(fileName);
        Assert.NotEmpty(file.Cases);
        using var factory = file.NewFactory();
        var failures = new List<string>();
        int passed = 0;
        for (int i = 0; i < file.Cases.Count; i++)
        {
            var c = file.Cases[i];
            string? failure = c.ExpectError ? CheckRefused(factory, c) : CheckDecrypts(factory, c);
            if (failure is null)
            {
                passed++;
            }
            else
            {
                failures.Add($"case {i} ({c.Kind ?? "valid"}, partition '{c.Partition}'): {failure}");
            }
        }

        output.WriteLine($"{fileName}: {passed} passed, {failures.Count} failed");
        Assert.True(failures.Count == 0, $"{fileName}: {failures.Count} of {file.Cases.Count} cases failed:\n" + string.Join("\n", failures.Take(20)));
        Assert.Equal(file.Cases.Count, passed);
    }

    [Fact]
    public void BadInputs_HoldThe420DocumentedErrorCases()
    {
        var file = VectorFile.Load("bad-inputs.json");

        Assert.Equal(420, file.Cases.Count);
        Assert.All(file.Cases, c => Assert.True(c.ExpectError));
    }

    [Fact]
    public void CanonicalRecords_UnderExpiredKeys_StillDecrypt()
    {
        // Keys in the vectors were created at about 1795336380; read them a year later with a 1-day expiry.
        var file = VectorFile.Load("canonical-basic.json");
        var time = new FakeTimeProvider(DateTimeOffset.FromUnixTimeSeconds(1795336380).AddDays(365));
        var policy = new BasicExpiringCryptoPolicy { KeyExpiration = TimeSpan.FromDays(1), RevokeCheckInterval = TimeSpan.FromMinutes(1) };
        using var factory = file.NewFactory(policy, time);

        foreach (var c in file.Cases)
        {
            Assert.Null(CheckDecrypts(factory, c));
        }
    }

    private static string? CheckDecrypts(SessionFactory factory, VectorCase c)
    {
        try
        {
            using var session = factory.GetSessionBytes(c.Partition);
            var decrypted = session.Decrypt(Encoding.UTF8.GetBytes(c.Drr));
            return decrypted.AsSpan().SequenceEqual(c.Plaintext) ? null : $"decrypted to {decrypted.Length} other bytes";
        }
        catch (Exception e)
        {
            return $"{e.GetType().Name}: {e.Message}";
        }
    }

    private static string? CheckRefused(SessionFactory factory, VectorCase c)
    {
        var attempt = Task.Run(() =>
        {
            using var session = factory.GetSessionBytes(c.Partition);
            return session.Decrypt(Encoding.UTF8.GetBytes(c.Drr));
        });
        try
        {
            if (!attempt.Wait(HangLimit))
            {
                return $"did not finish within {HangLimit.TotalSeconds} s";
            }

            return $"returned {attempt.Result.Length} bytes instead of refusing";
        }
        catch (AggregateException e) when (e.InnerException is AsherahException)
        {
            return null;
        }
        catch (AggregateException e)
        {
            var inner = e.InnerException ?? e;
            return $"threw {inner.GetType().Name} (not an AsherahException): {inner.Message}";
        }
    }
}
