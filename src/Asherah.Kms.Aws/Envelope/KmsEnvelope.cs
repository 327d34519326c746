using System.Text.Json;

namespace Asherah.Kms.Aws.Envelope;

/// <summary>
/// Canonical Asherah's AWS KMS envelope: what <see cref="AwsKeyManagementService"/> returns from encryption, stored
/// base64-encoded as the system key record's <c>Key</c>.
/// </summary>
/// <remarks>
/// <code>
/// envelope := {"encryptedKey":b64(aead(sk, data-key)),"kmsKeks":[kek, ...]}     ; UTF-8 JSON, no whitespace
/// kek      := {"region":region,"arn":key-arn,"encryptedKek":b64(kms-ciphertext(data-key))}
/// aead     := ciphertext || tag(16) || nonce(12)                                  ; AeadKey's blob, 60 bytes for a 32-byte SK
/// </code>
/// Names are camelCase and matched exactly (canonical C# reads them case-sensitively); base64 is standard with padding.
/// Members are written in this order, as canonical C# and Go write them; unknown members are ignored when read. The
/// data-key region's <c>encryptedKek</c> is the <c>CiphertextBlob</c> of <c>GenerateDataKey</c>; every other region's is
/// KMS <c>Encrypt</c> of the data key in that region.
/// </remarks>
internal sealed class KmsEnvelope
{
    private const string InvalidMessage = "The system key is not an AWS KMS envelope of canonical shape ({\"encryptedKey\":\"<b64>\",\"kmsKeks\":[{\"region\",\"arn\",\"encryptedKek\"}]}): ";

    public KmsEnvelope(byte[] encryptedKey, IReadOnlyList<KmsKek> keks)
    {
        EncryptedKey = encryptedKey;
        Keks = keks;
    }

    /// <summary>The system key sealed with the data key.</summary>
    public byte[] EncryptedKey { get; }

    /// <summary>The data key as each region's KMS encrypted it.</summary>
    public IReadOnlyList<KmsKek> Keks { get; }

    /// <summary>The entry of <paramref name="region"/> (case-insensitive, as canonical C#), or <see langword="null"/>.</summary>
    public KmsKek? Find(string region)
    {
        foreach (var kek in Keks)
        {
            if (string.Equals(kek.Region, region, StringComparison.OrdinalIgnoreCase))
            {
                return kek;
            }
        }

        return null;
    }

    /// <summary>The UTF-8 JSON of the envelope.</summary>
    public byte[] ToJson()
    {
        var buffer = new System.Buffers.ArrayBufferWriter<byte>(256 + (Keks.Count * 320));
        // Utf8JsonWriter writes base64 unescaped ('+' and '/' as they are, as canonical Go does); readers accept escapes too.
        using (var writer = new Utf8JsonWriter(buffer))
        {
            writer.WriteStartObject();
            writer.WriteBase64String("encryptedKey", EncryptedKey);
            writer.WriteStartArray("kmsKeks");
            foreach (var kek in Keks)
            {
                writer.WriteStartObject();
                writer.WriteString("region", kek.Region);
                writer.WriteString("arn", kek.Arn);
                writer.WriteBase64String("encryptedKek", kek.EncryptedKek);
                writer.WriteEndObject();
            }

            writer.WriteEndArray();
            writer.WriteEndObject();
        }

        return buffer.WrittenSpan.ToArray();
    }

    /// <summary>Reads an envelope.</summary>
    /// <exception cref="KmsException">The bytes are not an envelope of canonical shape (not transient).</exception>
    public static KmsEnvelope Parse(ReadOnlySpan<byte> json)
    {
        try
        {
            var reader = new Utf8JsonReader(json, new JsonReaderOptions { CommentHandling = JsonCommentHandling.Disallow });
            byte[]? encryptedKey = null;
            List<KmsKek>? keks = null;
            Expect(reader.Read() && reader.TokenType == JsonTokenType.StartObject, "not a JSON object");
            while (Read(ref reader) != JsonTokenType.EndObject)
            {
                if (reader.ValueTextEquals("encryptedKey"u8))
                {
                    Read(ref reader);
                    encryptedKey = Base64(ref reader, "encryptedKey");
                }
                else if (reader.ValueTextEquals("kmsKeks"u8))
                {
                    Expect(Read(ref reader) == JsonTokenType.StartArray, "kmsKeks is not an array");
                    keks = [];
                    while (Read(ref reader) != JsonTokenType.EndArray)
                    {
                        keks.Add(ReadKek(ref reader));
                    }
                }
                else
                {
                    Read(ref reader);
                    reader.Skip();
                }
            }

            Expect(encryptedKey is not null, "encryptedKey is missing");
            Expect(keks is { Count: > 0 }, "kmsKeks is missing or empty");
            return new KmsEnvelope(encryptedKey!, keks!);
        }
        catch (JsonException e)
        {
            throw new KmsException(InvalidMessage + "malformed JSON at byte " + e.BytePositionInLine + ".");
        }
        catch (InvalidOperationException)
        {
            throw new KmsException(InvalidMessage + "a member has the wrong JSON type.");
        }
    }

    private static KmsKek ReadKek(ref Utf8JsonReader reader)
    {
        Expect(reader.TokenType == JsonTokenType.StartObject, "a kmsKeks entry is not an object");
        string? region = null;
        string? arn = null;
        byte[]? encryptedKek = null;
        while (Read(ref reader) != JsonTokenType.EndObject)
        {
            if (reader.ValueTextEquals("region"u8))
            {
                Read(ref reader);
                region = reader.GetString();
            }
            else if (reader.ValueTextEquals("arn"u8))
            {
                Read(ref reader);
                arn = reader.GetString();
            }
            else if (reader.ValueTextEquals("encryptedKek"u8))
            {
                Read(ref reader);
                encryptedKek = Base64(ref reader, "encryptedKek");
            }
            else
            {
                Read(ref reader);
                reader.Skip();
            }
        }

        Expect(!string.IsNullOrEmpty(region), "a kmsKeks entry has no region");
        Expect(encryptedKek is { Length: > 0 }, "a kmsKeks entry has no encryptedKek");
        return new KmsKek(region!, arn ?? string.Empty, encryptedKek!);
    }

    private static byte[] Base64(ref Utf8JsonReader reader, string name)
    {
        Expect(reader.TokenType == JsonTokenType.String, $"{name} is not a string");
        return reader.TryGetBytesFromBase64(out var bytes) ? bytes : throw new KmsException(InvalidMessage + $"{name} is not standard base64.");
    }

    private static JsonTokenType Read(ref Utf8JsonReader reader)
    {
        Expect(reader.Read(), "the JSON ends early");
        return reader.TokenType;
    }

    private static void Expect(bool condition, string problem)
    {
        if (!condition)
        {
            throw new KmsException(InvalidMessage + problem + ".");
        }
    }
}
