using System.Text;
using System.Text.Json.Nodes;

namespace Asherah.Tests.Envelope;

/// <summary>
/// Payloads of records written by other JSON sessions (or by a bytes session holding JSON text): a JSON session reads
/// what canonical C# (Newtonsoft) reads, and refuses the rest with <see cref="DecryptionFailedException"/>, leaving
/// no exception for the caller to meet later when it walks the object.
/// </summary>
public class ForeignJsonPayloadTests : IDisposable
{
    private readonly SessionFactory _factory = TestFactories.New();
    private readonly BytesSession _bytes;
    private readonly JsonSession _json;

    public ForeignJsonPayloadTests()
    {
        _bytes = _factory.GetSessionBytes("partition");
        _json = _factory.GetSessionJson("partition");
    }

    public void Dispose()
    {
        _bytes.Dispose();
        _json.Dispose();
        _factory.Dispose();
    }

    [Theory]
    [InlineData("{\"a\":1}", "{\"a\":1}")]
    [InlineData("\uFEFF{\"a\":1}", "{\"a\":1}")]                             // StreamReader drops a BOM
    [InlineData(" \r\n{ \"a\" : [ 1 , 2 ] }\n", "{\"a\":[1,2]}")]
    [InlineData("{\"n\":1.7E9,\"big\":123456789012345678901234567890}", "{\"n\":1.7E9,\"big\":123456789012345678901234567890}")]
    public async Task Decrypt_OfAPayloadCanonicalReads_ReturnsTheObject(string payload, string expected)
    {
        var record = _bytes.Encrypt(Encoding.UTF8.GetBytes(payload));

        Assert.Equal(expected, _json.Decrypt(record).ToJsonString());
        Assert.Equal(expected, (await _json.DecryptAsync(record)).ToJsonString());
    }

    [Theory]
    [InlineData("")]
    [InlineData("[1]")]
    [InlineData("null")]
    [InlineData("\"text\"")]
    [InlineData("{\"a\":1}{}")]
    [InlineData("{\"a\":1,\"a\":2}")]
    [InlineData("{\"a\":{\"b\":1,\"b\":1}}")]
    [InlineData("{\"a\":")]
    public async Task Decrypt_OfAPayloadThatIsNotOneJsonObject_ThrowsDecryptionFailed(string payload)
    {
        var record = _bytes.Encrypt(Encoding.UTF8.GetBytes(payload));

        Assert.Throws<DecryptionFailedException>(() => _json.Decrypt(record));
        await Assert.ThrowsAsync<DecryptionFailedException>(async () => await _json.DecryptAsync(record));
    }

    [Fact]
    public void Decrypt_OfAPayloadWithJsonEscapes_ReturnsTheUnescapedText()
    {
        // org.json writes \u2028 and "</" as "<\/"; Go writes \u003c for '<'.
        var record = _bytes.Encrypt(Encoding.UTF8.GetBytes("{\"s\":\"\\u00e9<\\/\\u2028\\u003c\"}"));

        Assert.Equal("\u00e9</\u2028<", _json.Decrypt(record)["s"]!.GetValue<string>());
    }

    [Fact]
    public void Decrypt_OfATooDeepPayload_ThrowsDecryptionFailed()
    {
        int levels = JsonSession.MaxDepth + 1;
        string deep = string.Concat(Enumerable.Repeat("{\"a\":", levels)) + "1" + new string('}', levels);

        Assert.Throws<DecryptionFailedException>(() => _json.Decrypt(_bytes.Encrypt(Encoding.UTF8.GetBytes(deep))));
    }

    [Theory]
    [InlineData(new byte[] { (byte)'{', (byte)'"', 0xC3, 0x28, (byte)'"', (byte)':', (byte)'1', (byte)'}' })]
    [InlineData(new byte[] { (byte)'{', (byte)'"', (byte)'a', (byte)'"', (byte)':', (byte)'"', 0xFF, (byte)'"', (byte)'}' })]
    public void Decrypt_OfAPayloadWithInvalidUtf8_ReplacesItAsCanonicalDoes(byte[] payload)
    {
        // Canonical C# (StreamReader) and Java (Charset.decode) read ill-formed UTF-8 as U+FFFD; it must not surface
        // later as an exception in the caller's code when it reads the member.
        var obj = _json.Decrypt(_bytes.Encrypt(payload));

        var (name, value) = Assert.Single(obj);
        Assert.Contains('\uFFFD', name + (value!.GetValueKind() == System.Text.Json.JsonValueKind.String ? value.GetValue<string>() : ""));
    }
}
