using Asherah.Envelope;

namespace Asherah;

/// <summary>
/// A session for byte payloads: bytes in, data row record JSON (UTF-8) out, with span overloads that write into
/// caller buffers.
/// </summary>
public sealed class BytesSession : Session<byte[], byte[]>
{
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

    /// <summary>Encrypts a payload into a new data row record.</summary>
    public byte[] Encrypt(ReadOnlySpan<byte> payload) => Envelope.Encrypt(payload);

    /// <summary>Encrypts into <paramref name="destination"/>; false when it is too small (see <see cref="GetMaxEncryptedLength"/>).</summary>
    public bool TryEncrypt(ReadOnlySpan<byte> payload, Span<byte> destination, out int bytesWritten) =>
        Envelope.TryEncrypt(payload, destination, out bytesWritten);

    /// <summary>The largest record a payload of <paramref name="payloadLength"/> bytes produces.</summary>
    public int GetMaxEncryptedLength(int payloadLength)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(payloadLength);
        return Envelope.GetMaxEncryptedLength(payloadLength);
    }

    /// <inheritdoc />
    public override byte[] Decrypt(byte[] dataRowRecord)
    {
        ArgumentNullException.ThrowIfNull(dataRowRecord);
        return Envelope.Decrypt(dataRowRecord);
    }

    /// <summary>Decrypts a data row record.</summary>
    /// <exception cref="DecryptionFailedException">The record is malformed, tampered with, or under another key.</exception>
    /// <exception cref="MetadataMissingException">The record belongs to another partition, or its key is not in the metastore.</exception>
    public byte[] Decrypt(ReadOnlySpan<byte> dataRowRecord) => Envelope.Decrypt(dataRowRecord);

    /// <summary>
    /// Decrypts into <paramref name="destination"/>; false when it is too small (the payload is never larger than the
    /// record).
    /// </summary>
    public bool TryDecrypt(ReadOnlySpan<byte> dataRowRecord, Span<byte> destination, out int bytesWritten) =>
        Envelope.TryDecrypt(dataRowRecord, destination, out bytesWritten);

    /// <inheritdoc />
    public override ValueTask<byte[]> EncryptAsync(byte[] payload, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(payload);
        return Envelope.EncryptAsync(payload, cancellationToken);
    }

    /// <summary>Encrypts a payload; awaits the metastore and KMS only when keys are not cached.</summary>
    public ValueTask<byte[]> EncryptAsync(ReadOnlyMemory<byte> payload, CancellationToken cancellationToken = default) =>
        Envelope.EncryptAsync(payload, cancellationToken);

    /// <inheritdoc />
    public override ValueTask<byte[]> DecryptAsync(byte[] dataRowRecord, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(dataRowRecord);
        return Envelope.DecryptAsync(dataRowRecord, cancellationToken);
    }

    /// <summary>Decrypts a data row record; awaits the metastore and KMS only when keys are not cached.</summary>
    public ValueTask<byte[]> DecryptAsync(ReadOnlyMemory<byte> dataRowRecord, CancellationToken cancellationToken = default) =>
        Envelope.DecryptAsync(dataRowRecord, cancellationToken);
}
