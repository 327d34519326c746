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
/// records are readable by any implementation's bytes or JSON session. Objects and arrays may nest at most
/// <see cref="MaxDepth"/> levels deep (the top-level object is level 1), on encrypt and decrypt alike, so every record
/// this session writes it can read back.
/// </remarks>
public sealed class JsonSession : Session<JsonObject, byte[]>
{
    /// <summary>
    /// How deep objects and arrays may nest in a payload, the top-level object counting as 1: 64, the default of
    /// System.Text.Json's reader.
    /// </summary>
    public const int MaxDepth = 64;

    private static readonly JsonWriterOptions WriterOptions = new() { Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping, MaxDepth = MaxDepth };
    private static readonly JsonSerializerOptions SerializerOptions = new() { Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping, MaxDepth = MaxDepth };
    // Duplicate members are refused when parsed: a JsonObject holding them would throw later, in the caller's code.
    private static readonly JsonDocumentOptions ReaderOptions = new() { MaxDepth = MaxDepth, AllowDuplicateProperties = false };

    internal JsonSession(SessionFactory factory, EnvelopeEncryption envelope, bool shared)
        : base(factory, envelope, shared)
    {
    }

    /// <inheritdoc />
    /// <exception cref="ArgumentException"><paramref name="payload"/> nests deeper than <see cref="MaxDepth"/>.</exception>
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
    /// <exception cref="ArgumentException"><paramref name="payload"/> nests deeper than <see cref="MaxDepth"/>.</exception>
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
        try
        {
            using var writer = new Utf8JsonWriter(buffer, WriterOptions);
            payload.WriteTo(writer, SerializerOptions);
        }
        catch (Exception e) when (e is InvalidOperationException or JsonException && IsTooDeep(payload))
        {
            // Checked only on failure, so a payload within the limit pays nothing for the walk.
            throw new ArgumentException($"The JSON payload nests deeper than {MaxDepth} levels.", nameof(payload));
        }

        return buffer.WrittenSpan.ToArray();
    }

    /// <summary>Whether objects and arrays in <paramref name="root"/> nest deeper than <see cref="MaxDepth"/>.</summary>
    private static bool IsTooDeep(JsonNode root)
    {
        var pending = new Stack<(JsonNode Node, int Depth)>();
        pending.Push((root, 1));
        while (pending.TryPop(out var item))
        {
            if (item.Depth > MaxDepth)
            {
                return true;
            }

            IEnumerable<JsonNode?> children = item.Node switch
            {
                JsonObject o => o.Select(p => p.Value),
                JsonArray a => a,
                _ => [],
            };
            foreach (var child in children)
            {
                if (child is JsonObject or JsonArray)
                {
                    pending.Push((child, item.Depth + 1));
                }
            }
        }

        return false;
    }

    /// <summary>
    /// Parses the payload as canonical C# and Java do: a UTF-8 byte order mark is dropped and ill-formed UTF-8 becomes
    /// U+FFFD (their UTF-8 decoders replace it); the text must be one JSON object, each member once.
    /// </summary>
    private static JsonObject Deserialize(byte[] utf8)
    {
        ReadOnlySpan<byte> text = utf8;
        if (text.StartsWith("\uFEFF"u8))
        {
            text = text[3..];
        }

        // Replaced now rather than left for JsonObject to trip over when the caller reads the member.
        byte[]? replaced = System.Text.Unicode.Utf8.IsValid(text) ? null : System.Text.Encoding.UTF8.GetBytes(System.Text.Encoding.UTF8.GetString(text));
        try
        {
            return JsonNode.Parse(replaced ?? text, documentOptions: ReaderOptions) as JsonObject
                ?? throw new DecryptionFailedException("The decrypted payload is not a JSON object.");
        }
        catch (JsonException)
        {
            throw new DecryptionFailedException("The decrypted payload is not a JSON object.");
        }
        finally
        {
            Array.Clear(utf8);
            if (replaced is not null)
            {
                Array.Clear(replaced);
            }
        }
    }
}
