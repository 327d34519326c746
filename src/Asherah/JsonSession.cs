using System.Text.Encodings.Web;
using System.Text.Json.Nodes;
using System.Text.Json;
using Asherah.Envelope;

namespace Asherah;

/// <summary>
/// A session for JSON payloads: a <see cref="JsonObject"/> in, data row record JSON (UTF-8) out.
/// </summary>
/// <remarks>
/// The encrypted payload is the object's compact UTF-8 JSON text, as canonical Asherah's JSON sessions write it, so
/// records are readable by any implementation's bytes or JSON session.
/// </remarks>
public sealed class JsonSession : Session<JsonObject, byte[]>
{
    private static readonly JsonWriterOptions WriterOptions = new() { Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping };
    private static readonly JsonSerializerOptions SerializerOptions = new() { Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping };

    internal JsonSession(SessionFactory factory, EnvelopeEncryption envelope, bool shared)
        : base(factory, envelope, shared)
    {
    }

    /// <inheritdoc />
    public override byte[] Encrypt(JsonObject payload)
    {
        ArgumentNullException.ThrowIfNull(payload);
        var utf8 = Serialize(payload);
        try
        {
            return Envelope.Encrypt(utf8);
        }
        finally
        {
            Array.Clear(utf8);
        }
    }

    /// <inheritdoc />
    public override JsonObject Decrypt(byte[] dataRowRecord)
    {
        ArgumentNullException.ThrowIfNull(dataRowRecord);
        return Deserialize(Envelope.Decrypt(dataRowRecord));
    }

    /// <inheritdoc />
    public override ValueTask<byte[]> EncryptAsync(JsonObject payload, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(payload);
        return EncryptSerializedAsync(Serialize(payload), cancellationToken);
    }

    /// <inheritdoc />
    public override async ValueTask<JsonObject> DecryptAsync(byte[] dataRowRecord, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(dataRowRecord);
        return Deserialize(await Envelope.DecryptAsync(dataRowRecord, cancellationToken).ConfigureAwait(false));
    }

    private async ValueTask<byte[]> EncryptSerializedAsync(byte[] utf8, CancellationToken cancellationToken)
    {
        try
        {
            return await Envelope.EncryptAsync(utf8, cancellationToken).ConfigureAwait(false);
        }
        finally
        {
            Array.Clear(utf8);
        }
    }

    private static byte[] Serialize(JsonObject payload)
    {
        var buffer = new System.Buffers.ArrayBufferWriter<byte>(256);
        using (var writer = new Utf8JsonWriter(buffer, WriterOptions))
        {
            payload.WriteTo(writer, SerializerOptions);
        }

        return buffer.WrittenSpan.ToArray();
    }

    private static JsonObject Deserialize(byte[] utf8)
    {
        try
        {
            return JsonNode.Parse(utf8) as JsonObject
                ?? throw new DecryptionFailedException("The decrypted payload is not a JSON object.");
        }
        catch (JsonException)
        {
            throw new DecryptionFailedException("The decrypted payload is not a JSON object.");
        }
        finally
        {
            Array.Clear(utf8);
        }
    }
}
