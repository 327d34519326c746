using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace Asherah.Tests.Envelope;

/// <summary>
/// Records in every encoding canonical Asherah readers accept (Go encoding/json, Java org.json, C# Newtonsoft) decrypt
/// through every decrypt entry point; the variations are rebuilt from one record this library wrote.
/// </summary>
public class ForeignRecordTests : IDisposable
{
    private static readonly byte[] Payload = Enumerable.Range(0, 199).Select(i => (byte)(i * 7)).ToArray();

    private readonly SessionFactory _factory = TestFactories.New();
    private readonly BytesSession _session;
    private readonly JsonObject _record;

    public ForeignRecordTests()
    {
        _session = _factory.GetSessionBytes("partition");
        _record = JsonNode.Parse(_session.Encrypt(Payload))!.AsObject();
    }

    public static TheoryData<string> AcceptedVariations => new()
    {
        "pretty",
        "reordered",
        "escaped-solidus",
        "escaped-plus",
        "escaped-everything",
        "escaped-key-id",
        "created-exponent",
        "created-exponent-lower",
        "created-fraction-zero",
        "drk-created-fraction",
        "unknown-fields",
        "unknown-deep-field",
        "revoked-false",
        "revoked-null",
        "revoked-true",
        "bom",
        "data-with-newlines",
        "data-unpadded",
    };

    public void Dispose()
    {
        _session.Dispose();
        _factory.Dispose();
    }

    [Theory]
    [MemberData(nameof(AcceptedVariations))]
    public async Task Decrypt_OfACanonicallyAcceptedVariation_ReturnsThePayloadOnEveryPath(string variation)
    {
        var bytes = Variation(variation);
        Assert.Equal(Payload, _session.Decrypt(bytes));
        Assert.Equal(Payload, await _session.DecryptAsync(bytes));
        var destination = new byte[Payload.Length];
        Assert.True(_session.TryDecrypt(bytes, destination, out int written));
        Assert.Equal(Payload, destination[..written]);
        Assert.True(DataRowRecord.TryParse(bytes, out var parsed));
        Assert.Equal(Payload.Length + 28, parsed.Data.Length);
    }

    public static TheoryData<string> RefusedVariations => new()
    {
        "url-safe",
        "data-trailing-bits",
        "data-misplaced-padding",
        "data-one-char-over",
        "ik-created-fraction",
        "ik-created-string",
        "drk-created-string",
        "parent-null",
        "lowercase-names",
        "data-shorter-than-overhead",
        "data-exactly-overhead",
        "utf16-bom",
        "trailing-garbage",
        "lone-surrogate-key-id",
    };

    [Theory]
    [MemberData(nameof(RefusedVariations))]
    public async Task Decrypt_OfARefusedVariation_ThrowsADocumentedExceptionOnEveryPath(string variation)
    {
        var bytes = Variation(variation);
        AssertDocumented(Record.Exception(() => _session.Decrypt(bytes)));
        AssertDocumented(await Record.ExceptionAsync(async () => await _session.DecryptAsync(bytes)));
        AssertDocumented(Record.Exception(() => _session.TryDecrypt(bytes, new byte[1 << 16], out _)));

        // The session still works after the failures.
        Assert.Equal(Payload, _session.Decrypt(_session.Encrypt(Payload)));
    }

    private static void AssertDocumented(Exception? e) =>
        Assert.True(e is DecryptionFailedException or MetadataMissingException, e?.ToString() ?? "no exception");

    private byte[] Variation(string name)
    {
        string compact = _record.ToJsonString();
        var key = _record["Key"]!.AsObject();
        string data = _record["Data"]!.GetValue<string>();
        string wrapped = key["Key"]!.GetValue<string>();
        var parent = key["ParentKeyMeta"]!.AsObject();
        string keyId = parent["KeyId"]!.GetValue<string>();
        long ikCreated = parent["Created"]!.GetValue<long>();
        long drkCreated = key["Created"]!.GetValue<long>();
        string Drr(string drk, string wrappedKey, string id, string ik, string d, string extraKey = "", string extraTop = "") =>
            $"{{\"Key\":{{\"Created\":{drk},\"Key\":\"{wrappedKey}\",\"ParentKeyMeta\":{{\"KeyId\":\"{id}\",\"Created\":{ik}}}{extraKey}}},\"Data\":\"{d}\"{extraTop}}}";
        string Escape(string b64, char c, string escaped) => b64.Replace(c.ToString(), escaped, StringComparison.Ordinal);

        string text = name switch
        {
            "pretty" => _record.ToJsonString(new JsonSerializerOptions { WriteIndented = true }),
            "reordered" => $"{{\"Data\":\"{data}\",\"Key\":{{\"ParentKeyMeta\":{{\"Created\":{ikCreated},\"KeyId\":\"{keyId}\"}},\"Key\":\"{wrapped}\",\"Created\":{drkCreated}}}}}",
            "escaped-solidus" => Drr($"{drkCreated}", Escape(wrapped, '/', "\\/"), keyId, $"{ikCreated}", Escape(data, '/', "\\/")),
            "escaped-plus" => Drr($"{drkCreated}", Escape(wrapped, '+', "\\u002b"), keyId, $"{ikCreated}", Escape(data, '+', "\\u002B")),
            "escaped-everything" => Drr($"{drkCreated}", string.Concat(wrapped.Select(c => $"\\u{(int)c:x4}")), keyId, $"{ikCreated}", string.Concat(data.Select(c => $"\\u{(int)c:X4}"))),
            "escaped-key-id" => Drr($"{drkCreated}", wrapped, string.Concat(keyId.Select(c => c == '_' ? "\\u005f" : c.ToString())), $"{ikCreated}", data),
            "created-exponent" => Drr(Exponent(drkCreated, "E"), wrapped, keyId, Exponent(ikCreated, "E+"), data),
            "created-exponent-lower" => Drr(Exponent(drkCreated, "e"), wrapped, keyId, Exponent(ikCreated, "e"), data),
            "created-fraction-zero" => Drr($"{drkCreated}.0", wrapped, keyId, $"{ikCreated}.000", data),
            "drk-created-fraction" => Drr($"{drkCreated}.75", wrapped, keyId, $"{ikCreated}", data),
            "unknown-fields" => Drr($"{drkCreated}", wrapped, keyId, $"{ikCreated}", data, ",\"Extra\":[1,{\"a\":null}]", ",\"Version\":2,\"Meta\":{\"x\":\"y\"}"),
            "unknown-deep-field" => Drr($"{drkCreated}", wrapped, keyId, $"{ikCreated}", data, extraTop: ",\"Deep\":" + new string('[', 40) + new string(']', 40)),
            "revoked-false" => Drr($"{drkCreated}", wrapped, keyId, $"{ikCreated}", data, ",\"Revoked\":false"),
            "revoked-null" => Drr($"{drkCreated}", wrapped, keyId, $"{ikCreated}", data, ",\"Revoked\":null"),
            "revoked-true" => Drr($"{drkCreated}", wrapped, keyId, $"{ikCreated}", data, ",\"Revoked\":true"),
            "bom" => "\uFEFF" + compact,
            "data-with-newlines" => Drr($"{drkCreated}", wrapped, keyId, $"{ikCreated}", string.Join("\\r\\n", data.Chunk(76).Select(c => new string(c))) + "\\n"),
            "data-unpadded" => Drr($"{drkCreated}", wrapped, keyId, $"{ikCreated}", data.TrimEnd('=')),
            "url-safe" => Drr($"{drkCreated}", wrapped.Replace('+', '-').Replace('/', '_'), keyId, $"{ikCreated}", data.Replace('+', '-').Replace('/', '_')),
            "data-trailing-bits" => Drr($"{drkCreated}", wrapped, keyId, $"{ikCreated}", data[..^2] + (char)(data[^2] ^ 1) + "="),
            "data-misplaced-padding" => Drr($"{drkCreated}", wrapped, keyId, $"{ikCreated}", "AA==" + data),
            "data-one-char-over" => Drr($"{drkCreated}", wrapped, keyId, $"{ikCreated}", data.TrimEnd('=') + "AA"),
            "ik-created-fraction" => Drr($"{drkCreated}", wrapped, keyId, $"{ikCreated}.5", data),
            "ik-created-string" => Drr($"{drkCreated}", wrapped, keyId, $"\"{ikCreated}\"", data),
            "drk-created-string" => Drr($"\"{drkCreated}\"", wrapped, keyId, $"{ikCreated}", data),
            "parent-null" => $"{{\"Key\":{{\"Created\":{drkCreated},\"Key\":\"{wrapped}\",\"ParentKeyMeta\":null}},\"Data\":\"{data}\"}}",
            "lowercase-names" => compact.Replace("\"Data\"", "\"data\"", StringComparison.Ordinal),
            "data-shorter-than-overhead" => Drr($"{drkCreated}", wrapped, keyId, $"{ikCreated}", Convert.ToBase64String(Convert.FromBase64String(data)[..27])),
            "data-exactly-overhead" => Drr($"{drkCreated}", wrapped, keyId, $"{ikCreated}", Convert.ToBase64String(Convert.FromBase64String(data)[^28..])),
            "utf16-bom" => "\uFEFF" + compact,
            "trailing-garbage" => compact + "{}",
            "lone-surrogate-key-id" => Drr($"{drkCreated}", wrapped, "\\ud800" + keyId, $"{ikCreated}", data),
            _ => throw new ArgumentOutOfRangeException(nameof(name)),
        };
        return name == "utf16-bom" ? Encoding.Unicode.GetBytes(text) : Encoding.UTF8.GetBytes(text);
    }

    private static string Exponent(long value, string marker)
    {
        string digits = value.ToString(System.Globalization.CultureInfo.InvariantCulture);
        return digits[0] + "." + digits[1..] + marker + (digits.Length - 1);
    }
}
