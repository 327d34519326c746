using System.Text;
using Asherah.Envelope;

namespace Asherah.Tests.Envelope;

/// <summary>The data row record reader refuses duplicate members and non-integer times, like the key record reader.</summary>
public class DataRowRecordStrictnessTests
{
    private const string WrappedKey = "\"Key\":\"dZMFFa2FcZve66Uv8XOlmJAA+J15xjSw1PsN54af6x3hK8F3WWb/EMtQ5JBP7s8QAwMDAwMDAwMDAwMD\"";
    private const string Parent = "\"ParentKeyMeta\":{\"KeyId\":\"_IK_partition_service_product\",\"Created\":1700000040}";
    private const string Data = "\"Data\":\"wyNEUDsCHEgZPZWEUeDaWlrjydiqj4kIcuX3YVSSYoyS70A/BAQEBAQEBAQEBAQE\"";
    private const string KeyObject = "\"Key\":{\"Created\":1700000123," + WrappedKey + "," + Parent + "}";

    [Fact]
    public void Parse_OfAWellFormedRecordWithMembersReordered_Works()
    {
        var view = DataRowRecordReader.Parse(Encoding.UTF8.GetBytes("{" + Data + ", \"Key\":{" + Parent + "," + WrappedKey + ",\"Created\":1700000123}}"));

        Assert.Equal(1_700_000_040, view.IntermediateKeyCreated);
        Assert.Equal(1_700_000_123, view.KeyCreated);
    }

    [Theory]
    [InlineData("{" + KeyObject + "," + KeyObject + "," + Data + "}")]
    [InlineData("{" + KeyObject + "," + Data + "," + Data + "}")]
    [InlineData("{\"Key\":{\"Created\":1700000123,\"Created\":1700000124," + WrappedKey + "," + Parent + "}," + Data + "}")]
    [InlineData("{\"Key\":{\"Created\":1700000123," + WrappedKey + "," + WrappedKey + "," + Parent + "}," + Data + "}")]
    [InlineData("{\"Key\":{\"Created\":1700000123," + WrappedKey + "," + Parent + "," + Parent + "}," + Data + "}")]
    [InlineData("{\"Key\":{\"Created\":1700000123," + WrappedKey + ",\"ParentKeyMeta\":{\"KeyId\":\"a\",\"KeyId\":\"b\",\"Created\":1}}," + Data + "}")]
    [InlineData("{\"Key\":{\"Created\":1700000123," + WrappedKey + ",\"ParentKeyMeta\":{\"KeyId\":\"a\",\"Created\":1,\"Created\":2}}," + Data + "}")]
    [InlineData("{\"Key\":{\"Created\":1e400," + WrappedKey + "," + Parent + "}," + Data + "}")]
    [InlineData("{\"Key\":{\"Created\":\"1700000123\"," + WrappedKey + "," + Parent + "}," + Data + "}")]
    [InlineData("{\"Key\":{\"Created\":1700000123," + WrappedKey + ",\"ParentKeyMeta\":{\"KeyId\":\"a\",\"Created\":1700000040.5}}," + Data + "}")]
    public void Parse_WithADuplicateMemberOrANonIntegerTime_ThrowsDecryptionFailed(string json)
    {
        Assert.Throws<DecryptionFailedException>(() => DataRowRecordReader.Parse(Encoding.UTF8.GetBytes(json)));
    }
}
