using System.Text;

namespace Asherah.Tests.Envelope;

/// <summary>Damaged, malformed and hostile records are refused with a documented exception, quickly.</summary>
public class BadInputTests : IDisposable
{
    // "Did not hang" limit for a whole batch of refusals; nothing here measures speed.
    private static readonly TimeSpan HangLimit = TimeSpan.FromSeconds(20);
    private static readonly byte[] Payload = "secret!"u8.ToArray();

    private readonly SessionFactory _factory = TestFactories.New();
    private readonly BytesSession _session;
    private readonly byte[] _record;

    public BadInputTests()
    {
        _session = _factory.GetSessionBytes("partition");
        _record = _session.Encrypt(Payload);
    }

    public void Dispose()
    {
        _session.Dispose();
        _factory.Dispose();
    }

    [Fact]
    public void Decrypt_OfEveryTruncation_ThrowsDecryptionFailed()
    {
        WithinLimit(() =>
        {
            for (int length = 0; length < _record.Length; length++)
            {
                var truncated = _record[..length];
                Assert.Throws<DecryptionFailedException>(() => _session.Decrypt(truncated));
            }
        });
    }

    [Theory]
    [InlineData(0x01)]
    [InlineData(0x20)]
    [InlineData(0x80)]
    [InlineData(0xFF)]
    public void Decrypt_WithAnyByteFlipped_ThrowsOrReturnsTheOriginalPayload(int mask)
    {
        int refused = 0;
        WithinLimit(() =>
        {
            for (int i = 0; i < _record.Length; i++)
            {
                var tampered = (byte[])_record.Clone();
                tampered[i] ^= (byte)mask;
                try
                {
                    // Only informational bits (the data row key's Created, unused base64 bits) may change without
                    // effect: then the payload must be exactly the original.
                    var result = _session.Decrypt(tampered);
                    Assert.True(Payload.AsSpan().SequenceEqual(result), $"flipping byte {i} with 0x{mask:X2} decrypted to other data");
                }
                catch (Exception e) when (e is DecryptionFailedException or MetadataMissingException)
                {
                    refused++;
                }
            }
        });

        // Most positions are authenticated or structural.
        Assert.True(refused > _record.Length * 3 / 4, $"only {refused} of {_record.Length} flips were refused");
    }

    [Fact]
    public void Decrypt_WithFlippedDataByte_ThrowsDecryptionFailed()
    {
        string text = Encoding.UTF8.GetString(_record);
        int data = text.IndexOf("\"Data\":\"", StringComparison.Ordinal) + 8;
        var tampered = Encoding.UTF8.GetBytes(text[..data] + (text[data] == 'A' ? 'B' : 'A') + text[(data + 1)..]);

        Assert.Throws<DecryptionFailedException>(() => _session.Decrypt(tampered));
    }

    [Fact]
    public void Decrypt_InAnotherPartition_ThrowsMetadataMissing()
    {
        using var other = _factory.GetSessionBytes("other-partition");

        Assert.Throws<MetadataMissingException>(() => other.Decrypt(_record));
    }

    [Theory]
    [InlineData("")]
    [InlineData(" ")]
    [InlineData("null")]
    [InlineData("[]")]
    [InlineData("{}")]
    [InlineData("123")]
    [InlineData("\"text\"")]
    [InlineData("not json")]
    [InlineData("{\"Key\":")]
    [InlineData("{\"Key\":{},\"Data\":\"\"}")]
    [InlineData("{\"Key\":{\"Created\":1,\"Key\":\"\",\"ParentKeyMeta\":{\"KeyId\":\"_IK_partition_service_product\",\"Created\":1}},\"Data\":\"\"}")]
    [InlineData("{\"Key\":{\"Created\":1,\"Key\":\"!!\",\"ParentKeyMeta\":{\"KeyId\":\"_IK_partition_service_product\",\"Created\":1}},\"Data\":\"!!\"}")]
    public void Decrypt_OfMalformedJson_ThrowsAsherahException(string json)
    {
        var e = Record.Exception(() => _session.Decrypt(Encoding.UTF8.GetBytes(json)));

        Assert.True(e is DecryptionFailedException or MetadataMissingException, $"{json}: {e?.GetType().Name ?? "no exception"}");
    }

    [Fact]
    public void Decrypt_OfTrailingGarbage_ThrowsDecryptionFailed()
    {
        Assert.Throws<DecryptionFailedException>(() => _session.Decrypt([.. _record, .. "{}"u8]));
    }

    [Theory]
    [InlineData("\"Data\":\"", "\"Data\":123,\"x\":\"")]
    [InlineData("\"Data\":\"", "\"Data\":null,\"x\":\"")]
    [InlineData("\"Data\":\"", "\"Data\":[],\"x\":\"")]
    [InlineData("{\"Key\":{", "{\"Key\":[],\"x\":{")]
    [InlineData("\"Key\":\"", "\"Key\":42,\"x\":\"")]
    [InlineData("\"ParentKeyMeta\":{", "\"ParentKeyMeta\":[],\"x\":{")]
    [InlineData("\"KeyId\":\"", "\"KeyId\":7,\"x\":\"")]
    [InlineData("\"KeyId\":\"", "\"KeyId\":null,\"x\":\"")]
    [InlineData("}},\"Data\"", "}},\"Key\":{},\"Data\"")]
    public void Decrypt_WithWrongTypes_ThrowsDecryptionFailedOrMetadataMissing(string find, string replace)
    {
        var damaged = Replace(find, replace);

        var e = Record.Exception(() => _session.Decrypt(damaged));

        Assert.True(e is DecryptionFailedException or MetadataMissingException, $"{find} -> {replace}: {e?.GetType().Name ?? "no exception"}");
    }

    [Theory]
    [InlineData("1e30")]
    [InlineData("99999999999999")]
    [InlineData("-99999999999999")]
    [InlineData("1.5")]
    [InlineData("\"1700000040\"")]
    [InlineData("null")]
    [InlineData("9223372036854775808")]
    public void Decrypt_WithBadIntermediateKeyCreated_Throws(string created)
    {
        var damaged = ReplaceParentCreated(created);

        var e = Record.Exception(() => _session.Decrypt(damaged));

        Assert.True(e is DecryptionFailedException or MetadataMissingException, $"{created}: {e?.GetType().Name ?? "no exception"}");
    }

    [Theory]
    [InlineData("1e30")]
    [InlineData("99999999999999")]
    [InlineData("-1")]
    public void Decrypt_WithOutOfRangeDataKeyCreated_ThrowsOrReturnsTheOriginalPayload(string created)
    {
        // The data row key's Created is informational: it may be ignored, but must never change the result.
        string text = Encoding.UTF8.GetString(_record);
        int start = "{\"Key\":{\"Created\":".Length;
        int end = text.IndexOf(',', start);
        var damaged = Encoding.UTF8.GetBytes(text[..start] + created + text[end..]);

        try
        {
            Assert.Equal(Payload, _session.Decrypt(damaged));
        }
        catch (Exception e) when (e is DecryptionFailedException or MetadataMissingException)
        {
        }
    }

    [Theory]
    [InlineData("\"Data\":")]
    [InlineData("\"Key\":{")]
    [InlineData("\"ParentKeyMeta\":")]
    [InlineData("\"KeyId\":")]
    [InlineData("\"Created\":")]
    public void Decrypt_WithMissingField_Throws(string field)
    {
        // Rename the first occurrence so the field is absent (and an unknown field appears instead).
        string text = Encoding.UTF8.GetString(_record);
        int at = text.IndexOf(field, StringComparison.Ordinal);
        Assert.True(at >= 0);
        var damaged = Encoding.UTF8.GetBytes(text[..(at + 1)] + "X" + text[(at + 1)..]);

        var e = Record.Exception(() => _session.Decrypt(damaged));

        Assert.True(e is DecryptionFailedException or MetadataMissingException, $"{field}: {e?.GetType().Name ?? "no exception"}");
    }

    [Theory]
    [InlineData("[", "]")]
    [InlineData("{\"a\":", "}")]
    public void Decrypt_OfDeeplyNestedJson_ThrowsDecryptionFailed(string open, string close)
    {
        const int depth = 100_000;
        var json = new StringBuilder();
        json.Append("{\"Key\":{\"x\":");
        json.Insert(json.Length, open, depth).Append('1').Insert(json.Length, close, depth).Append("}}");
        var nestedInRecord = Encoding.UTF8.GetBytes(json.ToString());
        var nestedAlone = Encoding.UTF8.GetBytes(new StringBuilder().Insert(0, open, depth).Append('1').Insert(open.Length * depth + 1, close, depth).ToString());

        WithinLimit(() =>
        {
            Assert.Throws<DecryptionFailedException>(() => _session.Decrypt(nestedInRecord));
            Assert.Throws<DecryptionFailedException>(() => _session.Decrypt(nestedAlone));
        });
    }

    [Fact]
    public void Decrypt_OfMegabytesOfGarbage_ThrowsDecryptionFailed()
    {
        var garbage = new byte[4 * 1024 * 1024];
        new Random(7).NextBytes(garbage);

        WithinLimit(() => Assert.Throws<DecryptionFailedException>(() => _session.Decrypt(garbage)));
    }

    [Fact]
    public async Task EncryptAndDecrypt_OfNullArray_ThroughTheSessionType_ThrowArgumentNull()
    {
        // Through Session<byte[], byte[]>. A BytesSession-typed call binds to the span overloads instead (C# prefers
        // methods declared in the derived class), where a null array is an empty span: see the Fix/bug notes.
        Session<byte[], byte[]> session = _session;
        Assert.Throws<ArgumentNullException>(() => session.Encrypt(null!));
        Assert.Throws<ArgumentNullException>(() => session.Decrypt(null!));
        await Assert.ThrowsAsync<ArgumentNullException>(() => session.EncryptAsync(null!).AsTask());
        await Assert.ThrowsAsync<ArgumentNullException>(() => session.DecryptAsync(null!).AsTask());
    }

    [Fact]
    public void JsonSession_OfNullArguments_ThrowsArgumentNull()
    {
        using var json = _factory.GetSessionJson("partition");

        Assert.Throws<ArgumentNullException>(() => json.Encrypt(null!));
        Assert.Throws<ArgumentNullException>(() => json.Decrypt(null!));
    }

    [Fact]
    public void Decrypt_OfEmptyArray_ThrowsDecryptionFailed()
    {
        Assert.Throws<DecryptionFailedException>(() => _session.Decrypt(Array.Empty<byte>()));
    }

    [Fact]
    public void EmptyPayload_RoundTrips()
    {
        var record = _session.Encrypt(Array.Empty<byte>());

        Assert.Empty(_session.Decrypt(record));
    }

    [Theory]
    [InlineData(null)]
    [InlineData("")]
    public void GetSession_WithNullOrEmptyPartition_ThrowsArgumentException(string? partition)
    {
        Assert.ThrowsAny<ArgumentException>(() => _factory.GetSessionBytes(partition!));
        Assert.ThrowsAny<ArgumentException>(() => _factory.GetSessionJson(partition!));
    }

    private static void WithinLimit(Action action)
    {
        var run = Task.Run(action);
        Assert.True(run.Wait(HangLimit), $"did not finish within {HangLimit.TotalSeconds} s");
    }

    private byte[] Replace(string find, string replace)
    {
        string text = Encoding.UTF8.GetString(_record);
        int at = text.IndexOf(find, StringComparison.Ordinal);
        Assert.True(at >= 0, $"'{find}' not in the record");
        return Encoding.UTF8.GetBytes(text[..at] + replace + text[(at + find.Length)..]);
    }

    private byte[] ReplaceParentCreated(string created)
    {
        string text = Encoding.UTF8.GetString(_record);
        int meta = text.IndexOf("\"ParentKeyMeta\":", StringComparison.Ordinal);
        int start = text.IndexOf("\"Created\":", meta, StringComparison.Ordinal) + "\"Created\":".Length;
        int end = text.IndexOf('}', start);
        return Encoding.UTF8.GetBytes(text[..start] + created + text[end..]);
    }
}
