using System.Buffers.Binary;
using System.Security.Cryptography;
using System.Text;

namespace Asherah.Kms.Aws.TestServer;

/// <summary>The test server's KMS key in one region: an ARN and an AES-256 key that never leaves the server.</summary>
/// <remarks>
/// The ciphertext blob is this server's own format (real KMS blobs are opaque too), carrying the key ARN so that
/// <c>Decrypt</c> finds the key and refuses a blob of another region or key:
/// <code>
/// blob   := "TKMS" || u16be(len(arn)) || utf8(arn) || nonce(12) || tag(16) || ciphertext
/// cipher := AES-256-GCM(region key, nonce, plaintext, aad = everything before the nonce)
/// </code>
/// </remarks>
public sealed class RegionKey : IDisposable
{
    private static readonly byte[] Magic = "TKMS"u8.ToArray();
    private readonly AesGcm _aes;

    // One AesGcm instance is not safe for concurrent use (on Linux it is one OpenSSL cipher context: parallel requests
    // corrupted each other's blobs and failed with CryptographicException), and the server answers requests in parallel.
    private readonly Lock _lock = new();

    internal RegionKey(string region)
    {
        Region = region;
        KeyId = Guid.NewGuid().ToString();
        Arn = $"arn:aws:kms:{region}:111122223333:key/{KeyId}";
        Span<byte> key = stackalloc byte[32];
        RandomNumberGenerator.Fill(key);
        _aes = new AesGcm(key, 16);
        CryptographicOperations.ZeroMemory(key);
    }

    /// <summary>The region.</summary>
    public string Region { get; }

    /// <summary>The key id (a UUID), as in the ARN.</summary>
    public string KeyId { get; }

    /// <summary>The key ARN.</summary>
    public string Arn { get; }

    /// <summary>Whether <paramref name="keyId"/> (an ARN or the bare key id) names this key.</summary>
    public bool Matches(string? keyId) => keyId == Arn || keyId == KeyId;

    /// <summary>Encrypts <paramref name="plaintext"/> into a blob of this key.</summary>
    public byte[] Encrypt(ReadOnlySpan<byte> plaintext)
    {
        var header = Header(Arn);
        var blob = new byte[header.Length + 12 + 16 + plaintext.Length];
        header.CopyTo(blob, 0);
        var nonce = blob.AsSpan(header.Length, 12);
        RandomNumberGenerator.Fill(nonce);
        lock (_lock)
        {
            _aes.Encrypt(nonce, plaintext, blob.AsSpan(header.Length + 28), blob.AsSpan(header.Length + 12, 16), header);
        }

        return blob;
    }

    /// <summary>The ARN a blob says it was made with, or <see langword="null"/> when it is not a blob of this server.</summary>
    public static string? ArnOf(ReadOnlySpan<byte> blob)
    {
        if (blob.Length < 6 || !blob[..4].SequenceEqual(Magic))
        {
            return null;
        }

        int length = BinaryPrimitives.ReadUInt16BigEndian(blob[4..]);
        return blob.Length < 6 + length + 28 ? null : Encoding.UTF8.GetString(blob.Slice(6, length));
    }

    /// <summary>Decrypts a blob of this key; <see langword="null"/> when it does not authenticate.</summary>
    public byte[]? Decrypt(ReadOnlySpan<byte> blob)
    {
        var header = Header(Arn);
        if (blob.Length < header.Length + 28 || !blob[..header.Length].SequenceEqual(header))
        {
            return null;
        }

        var plaintext = new byte[blob.Length - header.Length - 28];
        try
        {
            lock (_lock)
            {
                _aes.Decrypt(blob.Slice(header.Length, 12), blob[(header.Length + 28)..], blob.Slice(header.Length + 12, 16), plaintext, header);
            }

            return plaintext;
        }
        catch (AuthenticationTagMismatchException)
        {
            return null;
        }
    }

    /// <inheritdoc />
    public void Dispose()
    {
        lock (_lock)
        {
            _aes.Dispose();
        }
    }

    private static byte[] Header(string arn)
    {
        var arnBytes = Encoding.UTF8.GetBytes(arn);
        var header = new byte[6 + arnBytes.Length];
        Magic.CopyTo(header, 0);
        BinaryPrimitives.WriteUInt16BigEndian(header.AsSpan(4), (ushort)arnBytes.Length);
        arnBytes.CopyTo(header, 6);
        return header;
    }
}
