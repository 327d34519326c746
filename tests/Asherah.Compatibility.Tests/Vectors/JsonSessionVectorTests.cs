using System.Text;
using System.Text.Json.Nodes;

namespace Asherah.Compatibility.Tests.Vectors;

/// <summary>Records written by canonical JSON sessions read back as JSON objects through our JSON session.</summary>
public class JsonSessionVectorTests
{
    [Fact]
    public void CanonicalJsonSessionRecords_DecryptThroughJsonSession_ToThePlaintextObject()
    {
        var file = VectorFile.Load("canonical-json-session.json");
        Assert.NotEmpty(file.Cases);
        using var factory = file.NewFactory();

        foreach (var c in file.Cases)
        {
            using var session = factory.GetSessionJson(c.Partition);
            JsonObject decrypted = session.Decrypt(Encoding.UTF8.GetBytes(c.Drr));

            var expected = JsonNode.Parse(c.Plaintext);
            var actual = JsonNode.Parse(decrypted.ToJsonString());
            Assert.True(JsonNode.DeepEquals(expected, actual), $"partition {c.Partition}: {decrypted.ToJsonString()} != {Encoding.UTF8.GetString(c.Plaintext)}");
        }
    }
}
