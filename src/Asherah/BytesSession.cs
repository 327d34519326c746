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

    // The byte[] overloads are redeclared here so that C# overload resolution, which prefers methods declared in the
    // most derived class, does not bind byte[] (or null) arguments to the span overloads.

    /// <inheritdoc cref="Session{TPayload, TDataRowRecord}.Encrypt(TPayload)" />
    public new byte[] Encrypt(byte[] payload) => base.Encrypt(payload);

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

    /// <inheritdoc cref="Session{TPayload, TDataRowRecord}.Decrypt(TDataRowRecord)" />
    public new byte[] Decrypt(byte[] dataRowRecord) => base.Decrypt(dataRowRecord);

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

    /// <inheritdoc cref="Session{TPayload, TDataRowRecord}.EncryptAsync(TPayload, CancellationToken)" />
    public new ValueTask<byte[]> EncryptAsync(byte[] payload, CancellationToken cancellationToken = default) =>
        base.EncryptAsync(payload, cancellationToken);

    /// <summary>Encrypts a payload; awaits the metastore and KMS only when keys are not cached.</summary>
    public ValueTask<byte[]> EncryptAsync(ReadOnlyMemory<byte> payload, CancellationToken cancellationToken = default) =>
        Envelope.EncryptAsync(payload, cancellationToken);

    /// <inheritdoc cref="Session{TPayload, TDataRowRecord}.DecryptAsync(TDataRowRecord, CancellationToken)" />
    public new ValueTask<byte[]> DecryptAsync(byte[] dataRowRecord, CancellationToken cancellationToken = default) =>
        base.DecryptAsync(dataRowRecord, cancellationToken);

    /// <summary>Decrypts a data row record; awaits the metastore and KMS only when keys are not cached.</summary>
    public ValueTask<byte[]> DecryptAsync(ReadOnlyMemory<byte> dataRowRecord, CancellationToken cancellationToken = default) =>
        Envelope.DecryptAsync(dataRowRecord, cancellationToken);

    private protected override byte[] EncryptPayload(byte[] payload) => Envelope.Encrypt(payload);

    private protected override byte[] DecryptRecord(byte[] dataRowRecord) => Envelope.Decrypt(dataRowRecord);

    private protected override ValueTask<byte[]> EncryptPayloadAsync(byte[] payload, CancellationToken cancellationToken) =>
        Envelope.EncryptAsync(payload, cancellationToken);

    private protected override ValueTask<byte[]> DecryptRecordAsync(byte[] dataRowRecord, CancellationToken cancellationToken) =>
        Envelope.DecryptAsync(dataRowRecord, cancellationToken);
}
