using Asherah.Envelope;

namespace Asherah;

/// <summary>
/// A session for byte payloads: bytes in, data row record JSON (UTF-8) out, with span overloads that write into
/// caller buffers.
/// </summary>
/// <remarks>
/// A payload holds at most <see cref="MaxPayloadLength"/> bytes; a longer one is refused with
/// <see cref="ArgumentOutOfRangeException"/> before any key is loaded.
/// </remarks>
public sealed class BytesSession : Session<byte[], byte[]>
{
    /// <summary>
    /// The largest payload, in bytes, a record holds: 1 GiB (1,073,741,824), so that the record (base64 JSON, about 4/3
    /// of the payload) fits in a byte array. Applies to the serialized JSON of a <see cref="JsonSession"/> payload too.
    /// </summary>
    public const int MaxPayloadLength = DataRowRecordFormat.MaxPayloadLength;

    internal BytesSession(SessionFactory factory, EnvelopeEncryption envelope, bool shared)
        : base(factory, envelope, shared)
    {
    }

    /// <inheritdoc />
    public override byte[] Encrypt(byte[] payload)
    {
        ArgumentNullException.ThrowIfNull(payload);
        return Envelope.Encrypt(payload);
    }

    /// <inheritdoc />
    public override byte[] Decrypt(byte[] dataRowRecord)
    {
        ArgumentNullException.ThrowIfNull(dataRowRecord);
        return Envelope.Decrypt(dataRowRecord);
    }

    /// <inheritdoc />
    public override ValueTask<byte[]> EncryptAsync(byte[] payload, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(payload);
        return Envelope.EncryptAsync(payload, cancellationToken);
    }

    /// <inheritdoc />
    public override ValueTask<byte[]> DecryptAsync(byte[] dataRowRecord, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(dataRowRecord);
        return Envelope.DecryptAsync(dataRowRecord, cancellationToken);
    }

    /// <summary>
    /// Encrypts into <paramref name="destination"/> without allocating; false when it is too small (size it with
    /// <see cref="GetMaxEncryptedLength"/>).
    /// </summary>
    /// <inheritdoc cref="Session{TPayload, TDataRowRecord}.Encrypt(TPayload)" path="/exception" />
    public bool TryEncrypt(ReadOnlySpan<byte> payload, Span<byte> destination, out int bytesWritten) =>
        Envelope.TryEncrypt(payload, destination, out bytesWritten);

    /// <summary>The largest record a payload of <paramref name="payloadLength"/> bytes produces.</summary>
    /// <exception cref="ArgumentOutOfRangeException">
    /// <paramref name="payloadLength"/> is negative or larger than <see cref="MaxPayloadLength"/>.
    /// </exception>
    public int GetMaxEncryptedLength(int payloadLength)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(payloadLength);
        return Envelope.GetMaxEncryptedLength(payloadLength);
    }

    /// <summary>
    /// Decrypts into <paramref name="destination"/> without allocating; false when it is too small (the payload is never
    /// larger than the record).
    /// </summary>
    /// <inheritdoc cref="Session{TPayload, TDataRowRecord}.Decrypt(TDataRowRecord)" path="/exception" />
    public bool TryDecrypt(ReadOnlySpan<byte> dataRowRecord, Span<byte> destination, out int bytesWritten) =>
        Envelope.TryDecrypt(dataRowRecord, destination, out bytesWritten);
}
