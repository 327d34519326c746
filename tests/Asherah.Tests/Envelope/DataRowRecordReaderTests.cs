using System.Text;
using Asherah.Envelope;

namespace Asherah.Tests.Envelope;

public class DataRowRecordReaderTests
{
    private const string KeyId = "_IK_partition_service_product";

    private static readonly string Record =
        "{\"Key\":{\"Created\":1700000123,\"Key\":\"dZMFFa2FcZve66Uv8XOlmJAA+J15xjSw1PsN54af6x3hK8F3WWb/EMtQ5JBP7s8QAwMDAwMDAwMDAwMD\","
        + "\"ParentKeyMeta\":{\"KeyId\":\"" + KeyId + "\",\"Created\":1700000040}},"
        + "\"Data\":\"wyNEUDsCHEgZPZWEUeDaWlrjydiqj4kIcuX3YVSSYoyS70A/BAQEBAQEBAQEBAQE\"}";

    [Fact]
    public void CompactParse_OfTheCanonicalLayout_AgreesWithTheJsonReader()
    {
        var json = Encoding.UTF8.GetBytes(Record);

        Assert.True(DataRowRecordReader.TryParseCompact(json, Encoding.UTF8.GetBytes(KeyId), out var fast));
        var slow = DataRowRecordReader.Parse(json);

        AssertSame(slow, fast);
    }

    [Theory]
    [InlineData(" {")]
    [InlineData("{\"Key\": {")]
    [InlineData("\"Created\":01700000040")]
    [InlineData("\"Created\":1700000040}}, ")]
    [InlineData("\"Created\":999999999999}")]
    [InlineData("\"KeyId\":\"_IK_partition_service_productX\"")]
    [InlineData("A/BAQEBAQEBAQEBAQE\\u0041\"}")]
    public void CompactParse_OfAnythingElse_DefersToTheJsonReader(string variant)
    {
        string record = Mutate(variant);
        Assert.NotEqual(Record, record);

        Assert.False(DataRowRecordReader.TryParseCompact(Encoding.UTF8.GetBytes(record), Encoding.UTF8.GetBytes(KeyId), out _));
    }

    [Fact]
    public void CompactParse_AcceptsOnlyWhatTheJsonReaderAccepts_UnderEverySingleByteChange()
    {
        var original = Encoding.UTF8.GetBytes(Record);
        var keyId = Encoding.UTF8.GetBytes(KeyId);
        byte[] replacements = [(byte)' ', (byte)'"', (byte)'\\', (byte)'0', (byte)'9', (byte)'A', (byte)'}', (byte)',', 0x01, 0xC3];
        for (int i = 0; i < original.Length; i++)
        {
            foreach (byte b in replacements)
            {
                var json = (byte[])original.Clone();
                json[i] = b;
                if (!DataRowRecordReader.TryParseCompact(json, keyId, out var fast))
                {
                    continue;
                }

                DataRowRecordView slow;
                try
                {
                    slow = DataRowRecordReader.Parse(json);
                }
                catch (DecryptionFailedException)
                {
                    Assert.Fail($"The compact parser accepted a record the JSON reader refuses (byte {i} = 0x{b:x2}).");
                    return;
                }

                AssertSame(slow, fast);
            }
        }
    }

    private static string Mutate(string variant)
    {
        // Each variant replaces the part of the record it overlaps (matched on its first few characters).
        return variant switch
        {
            " {" => " " + Record,
            "{\"Key\": {" => Record.Replace("{\"Key\":{", "{\"Key\": {", StringComparison.Ordinal),
            "\"Created\":01700000040" => Record.Replace("\"Created\":1700000040", "\"Created\":01700000040", StringComparison.Ordinal),
            "\"Created\":1700000040}}, " => Record.Replace("}},", "}}, ", StringComparison.Ordinal),
            "\"Created\":999999999999}" => Record.Replace("\"Created\":1700000040}", "\"Created\":999999999999}", StringComparison.Ordinal),
            "\"KeyId\":\"_IK_partition_service_productX\"" => Record.Replace(KeyId + "\"", KeyId + "X\"", StringComparison.Ordinal),
            _ => Record.Replace("BAQE\"}", "BAQE\\u0041\"}", StringComparison.Ordinal),
        };
    }

    private static void AssertSame(DataRowRecordView expected, DataRowRecordView actual)
    {
        Assert.Equal(expected.HasParentKeyMeta, actual.HasParentKeyMeta);
        Assert.Equal(expected.IntermediateKeyCreated, actual.IntermediateKeyCreated);
        Assert.True(expected.IntermediateKeyId.SequenceEqual(actual.IntermediateKeyId));
        Assert.True(expected.WrappedKey.SequenceEqual(actual.WrappedKey));
        Assert.True(expected.Data.SequenceEqual(actual.Data));
    }
}
