using System.Security.Cryptography;

namespace Asherah.Kms.Aws.Internal;

/// <summary>Moves KMS data key plaintext out of the SDK's streams into memory we control, wiping what it leaves behind.</summary>
/// <remarks>
/// The SDK (v4) decodes a plaintext blob into a writable, publicly visible <see cref="MemoryStream"/>; its buffer is
/// wiped in place as soon as it is copied. What the SDK keeps beyond that (the base64 text of the HTTP response and of
/// an <c>Encrypt</c> request) lives in its own managed buffers, out of our reach; it is never logged.
/// </remarks>
internal static class DataKeys
{
    /// <summary>Bytes of an AES-256 data key (<c>KeySpec = AES_256</c>).</summary>
    public const int Length = AeadKey.KeySize;

    /// <summary>A pinned array for a data key, so the GC never leaves copies of it behind; the caller wipes it.</summary>
    public static byte[] AllocatePinned() => GC.AllocateArray<byte>(Length, pinned: true);

    /// <summary>
    /// Copies the stream's bytes into <paramref name="destination"/> when it holds exactly <see cref="Length"/> bytes, and
    /// wipes the stream's buffer in every case.
    /// </summary>
    public static bool TryTake(MemoryStream? plaintext, Span<byte> destination)
    {
        if (plaintext is null)
        {
            return false;
        }

        bool ok = false;
        if (plaintext.TryGetBuffer(out var segment))
        {
            var bytes = segment.AsSpan();
            if (bytes.Length == Length && destination.Length >= Length)
            {
                bytes.CopyTo(destination);
                ok = true;
            }

            // The whole underlying array, not only the segment: the stream may hold slack bytes.
            CryptographicOperations.ZeroMemory(segment.Array);
        }
        else
        {
            // Not exposable: read it out, then overwrite it through the stream when it lets us.
            long length = plaintext.Length;
            plaintext.Position = 0;
            if (length == Length && destination.Length >= Length)
            {
                plaintext.ReadExactly(destination[..Length]);
                ok = true;
            }

            if (plaintext.CanWrite)
            {
                plaintext.Position = 0;
                Span<byte> zeros = stackalloc byte[256];
                zeros.Clear();
                for (long left = length; left > 0; left -= zeros.Length)
                {
                    plaintext.Write(zeros[..(int)Math.Min(left, zeros.Length)]);
                }
            }
        }

        plaintext.Dispose();
        return ok;
    }
}
