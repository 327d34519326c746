using System.Text;

namespace Asherah.Compatibility.Tests.Vectors;

/// <summary>The public record model reads every canonical record and writes it back so that it still decrypts.</summary>
public class DataRowRecordModelTests
{
    public static IEnumerable<object[]> Files => VectorFile.AllNames().Where(f => (string)f[0] != "bad-inputs.json");

    [Theory]
    [MemberData(nameof(Files))]
    public void EveryCanonicalRecord_ParsesAndRewritten_DecryptsToItsPlaintext(string fileName)
    {
        var file = VectorFile.Load(fileName);
        using var factory = file.NewFactory();
        foreach (var c in file.Cases.Where(c => !c.ExpectError))
        {
            var original = Encoding.UTF8.GetBytes(c.Drr);
            var record = DataRowRecord.Parse(original);
            var rewritten = record.ToUtf8Json();

            // Canonical C# writes the same compact layout we do, so the bytes come back unchanged.
            Assert.Equal(c.Drr, Encoding.UTF8.GetString(rewritten));
            using var session = factory.GetSessionBytes(c.Partition);
            Assert.Equal(c.Plaintext, session.Decrypt(rewritten));
        }
    }
}
