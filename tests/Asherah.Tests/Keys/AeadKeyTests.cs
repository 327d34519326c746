using System.Runtime.CompilerServices;
using System.Security.Cryptography;
using Asherah.SecureMemory;

namespace Asherah.Tests.Keys;

public class AeadKeyTests
{
    private static readonly byte[] RawKey = Enumerable.Range(1, 32).Select(i => (byte)i).ToArray();

    [Theory]
    [InlineData(0)]
    [InlineData(1)]
    [InlineData(32)]
    [InlineData(1000)]
    public void Seal_WritesCiphertextTagNonce_ThatThePlatformAesGcmOpens(int length)
    {
        using var key = AeadKey.Create(RawKey);
        var plaintext = RandomNumberGenerator.GetBytes(length);

        var blob = key.Seal(plaintext);

        // blob := ciphertext || tag(16) || nonce(12)
        Assert.Equal(length + AeadKey.Overhead, blob.Length);
        using var reference = new AesGcm(RawKey, 16);
        var opened = new byte[length];
        reference.Decrypt(blob.AsSpan(length + 16, 12), blob.AsSpan(0, length), blob.AsSpan(length, 16), opened);
        Assert.Equal(plaintext, opened);
    }

    [Fact]
    public void TryOpen_ReadsWhatThePlatformAesGcmSealedInTheSameLayout()
    {
        using var key = AeadKey.Create(RawKey);
        var plaintext = "a system key, say"u8.ToArray();
        var blob = new byte[plaintext.Length + 28];
        var nonce = RandomNumberGenerator.GetBytes(12);
        using (var reference = new AesGcm(RawKey, 16))
        {
            reference.Encrypt(nonce, plaintext, blob.AsSpan(0, plaintext.Length), blob.AsSpan(plaintext.Length, 16));
        }

        nonce.CopyTo(blob, plaintext.Length + 16);

        Assert.True(key.TryOpen(blob, out byte[]? opened));
        Assert.Equal(plaintext, opened);
    }

    [Fact]
    public void TryOpen_EveryFlippedBit_ReturnsFalseAndWritesNothingUsable()
    {
        using var key = AeadKey.Create(RawKey);
        var blob = key.Seal("payload"u8);
        var plaintext = new byte[blob.Length - AeadKey.Overhead];
        for (int bit = 0; bit < blob.Length * 8; bit++)
        {
            var tampered = (byte[])blob.Clone();
            tampered[bit / 8] ^= (byte)(1 << (bit % 8));
            Assert.False(key.TryOpen(tampered, plaintext));
            Assert.All(plaintext, b => Assert.Equal(0, b));
        }
    }

    [Fact]
    public void TryOpen_BlobShorterThanTheOverhead_ReturnsFalse()
    {
        using var key = AeadKey.Create(RawKey);
        Assert.False(key.TryOpen(new byte[27], out _));
        Assert.False(key.TryOpenKey(new byte[28], KeyMaterialAllocator.Default, out _));
    }

    [Fact]
    public void TryOpen_PlaintextOfTheWrongLength_Throws()
    {
        using var key = AeadKey.Create(RawKey);
        var blob = key.Seal(new byte[10]);
        Assert.Throws<ArgumentException>(() => key.TryOpen(blob, new byte[11]));
        Assert.Throws<ArgumentException>(() => key.Seal(new byte[10], new byte[37]));
    }

    [Fact]
    public void Create_WithAKeyThatIsNot32Bytes_Throws()
    {
        Assert.Throws<ArgumentException>(() => AeadKey.Create(new byte[16]));
        using var material = KeyMaterial.Create(new byte[24]);
        Assert.Throws<ArgumentException>(() => AeadKey.Create(material));
    }

    [Fact]
    public void SealKey_ThenTryOpenKey_RoundTripsKeyMaterialThroughSecureMemory()
    {
        using var key = AeadKey.Create(RawKey);
        using var systemKey = KeyMaterial.Create(RandomNumberGenerator.GetBytes(32));

        var blob = key.Seal(systemKey);

        Assert.Equal(60, blob.Length);
        Assert.True(key.TryOpenKey(blob, KeyMaterialAllocator.Default, out var opened));
        using (opened)
        {
            Span<byte> raw = stackalloc byte[32];
            systemKey.CopyTo(raw);
            Assert.True(opened.FixedTimeEquals(raw));
            CryptographicOperations.ZeroMemory(raw);
        }
    }

    [Fact]
    public void AfterDispose_EveryUseThrowsObjectDisposed()
    {
        var key = AeadKey.Create(RawKey);
        var blob = key.Seal("x"u8);
        key.Dispose();
        key.Dispose();

        Assert.True(key.Key.IsFreed);
        Assert.Throws<ObjectDisposedException>(() => key.Seal("x"u8));
        Assert.Throws<ObjectDisposedException>(() => key.TryOpen(blob, new byte[1]));
    }

    [Fact]
    public void AKeyItsOwnerForgets_IsWipedWhenFinalized()
    {
        var state = CreateAndDrop();
        GC.Collect();
        GC.WaitForPendingFinalizers();
        Assert.True(state.IsFreed);
    }

    [Fact]
    public void KeyMaterialItsOwnerForgets_IsWipedWhenFinalized()
    {
        var buffer = CreateMaterialAndDrop();
        GC.Collect();
        GC.WaitForPendingFinalizers();
        Assert.True(buffer.IsFreed);
    }

    [Fact]
    public void KeyMaterial_LongerThanItsMaximum_IsRefused()
    {
        Assert.Throws<ArgumentException>(() => KeyMaterial.Create(new byte[KeyMaterial.MaxLength + 1]));
        Assert.Throws<ArgumentException>(() => KeyMaterial.Create([]));
    }

    [MethodImpl(MethodImplOptions.NoInlining)]
    private static Asherah.Keys.CryptoKey CreateAndDrop() => AeadKey.Create(RawKey).Key;

    [MethodImpl(MethodImplOptions.NoInlining)]
    private static SecureBuffer CreateMaterialAndDrop() => KeyMaterial.Create(RawKey).Buffer;
}
