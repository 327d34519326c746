using System.Text;
using System.Text.Json.Nodes;

namespace Asherah.Tests;

/// <summary>The JSON session encrypts exactly the payloads it can decrypt: objects nested at most <see cref="JsonSession.MaxDepth"/> deep.</summary>
public class JsonSessionDepthTests
{
    [Fact]
    public async Task Encrypt_OfAnObjectAtTheDepthLimit_RoundTrips()
    {
        using var factory = TestFactories.New();
        using var session = factory.GetSessionJson("partition");
        var payload = Nested(JsonSession.MaxDepth);

        Assert.Equal(payload.ToJsonString(), session.Decrypt(session.Encrypt(payload)).ToJsonString());
        Assert.Equal(payload.ToJsonString(), (await session.DecryptAsync(await session.EncryptAsync(payload))).ToJsonString());
    }

    [Theory]
    [InlineData(JsonSession.MaxDepth + 1)]
    [InlineData(1000)]
    [InlineData(1001)]
    [InlineData(5000)]
    public async Task Encrypt_OfAnObjectDeeperThanTheLimit_ThrowsArgumentException(int depth)
    {
        using var factory = TestFactories.New();
        using var session = factory.GetSessionJson("partition");
        var payload = Nested(depth);

        Assert.Throws<ArgumentException>(() => session.Encrypt(payload));
        await Assert.ThrowsAsync<ArgumentException>(async () => await session.EncryptAsync(payload));
    }

    [Fact]
    public async Task Encrypt_OfAnArrayNestedDeeperThanTheLimit_ThrowsArgumentException()
    {
        using var factory = TestFactories.New();
        using var session = factory.GetSessionJson("partition");
        JsonNode inner = new JsonArray();
        for (int i = 0; i < JsonSession.MaxDepth; i++)
        {
            inner = new JsonArray(inner);
        }

        var payload = new JsonObject { ["a"] = inner };

        Assert.Throws<ArgumentException>(() => session.Encrypt(payload));
        await Assert.ThrowsAsync<ArgumentException>(async () => await session.EncryptAsync(payload));
    }

    [Theory]
    [InlineData(JsonSession.MaxDepth + 1)]
    [InlineData(1001)]
    public async Task Decrypt_OfAPayloadDeeperThanTheLimit_ThrowsDecryptionFailed(int depth)
    {
        using var factory = TestFactories.New();
        using var bytes = factory.GetSessionBytes("partition");
        using var json = factory.GetSessionJson("partition");
        byte[] record = bytes.Encrypt(Encoding.UTF8.GetBytes(NestedText(depth)));

        Assert.Throws<DecryptionFailedException>(() => json.Decrypt(record));
        await Assert.ThrowsAsync<DecryptionFailedException>(async () => await json.DecryptAsync(record));
    }

    private static JsonObject Nested(int depth)
    {
        var root = new JsonObject();
        var current = root;
        for (int i = 1; i < depth; i++)
        {
            var child = new JsonObject();
            current["a"] = child;
            current = child;
        }

        return root;
    }

    private static string NestedText(int depth) =>
        string.Concat(Enumerable.Repeat("{\"a\":", depth - 1)) + "{}" + new string('}', depth - 1);
}
