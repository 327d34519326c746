using Asherah.Crypto;

namespace Asherah.Tests.Crypto;

public sealed class SecureRandomTests
{
    [Fact]
    public void Fill_FromManyThreads_NeverReturnsTheSame32BytesTwice()
    {
        const int threads = 8;
        const int perThread = 25_000;
        var results = new (ulong, ulong, ulong, ulong)[threads][];
        var nonce = new byte[12];

        Parallel.For(0, threads, new ParallelOptions { MaxDegreeOfParallelism = threads }, t =>
        {
            var values = new (ulong, ulong, ulong, ulong)[perThread];
            Span<byte> value = stackalloc byte[32];
            Span<byte> small = stackalloc byte[12];
            for (int i = 0; i < perThread; i++)
            {
                SecureRandom.Fill(value);

                // Interleave nonce-sized draws, as the hot path does, so slices land at varied offsets.
                SecureRandom.Fill(small);
                values[i] = (
                    BitConverter.ToUInt64(value[..8]),
                    BitConverter.ToUInt64(value[8..16]),
                    BitConverter.ToUInt64(value[16..24]),
                    BitConverter.ToUInt64(value[24..]));
            }

            results[t] = values;
        });

        var seen = new HashSet<(ulong, ulong, ulong, ulong)>();
        foreach (var value in results.SelectMany(r => r))
        {
            Assert.True(seen.Add(value), "A 32-byte random value was handed out twice.");
        }

        Assert.Equal(threads * perThread, seen.Count);
    }

    [Fact]
    public void Fill_WithConsecutiveSmallRequests_ReturnsNonOverlappingBytes()
    {
        // 48 000 bytes cross several refills, and BlockSize / 48 is not whole, so a remainder is discarded each time.
        var previous = new byte[48];
        var current = new byte[48];
        SecureRandom.Fill(previous);
        for (int i = 0; i < 1000; i++)
        {
            SecureRandom.Fill(current);
            Assert.False(current.AsSpan().SequenceEqual(previous));
            Assert.False(current.AsSpan(0, 16).SequenceEqual(previous.AsSpan(32, 16)), "A slice overlaps the previous one.");
            current.CopyTo(previous, 0);
        }
    }

    [Theory]
    [InlineData(SecureRandom.MaxBufferedRequest)]
    [InlineData(SecureRandom.MaxBufferedRequest + 1)]
    [InlineData(SecureRandom.BlockSize)]
    [InlineData(SecureRandom.BlockSize + 1)]
    [InlineData(1 << 20)]
    public void Fill_WithLargeRequest_FillsEveryPartOfTheBuffer(int length)
    {
        var buffer = new byte[length];
        SecureRandom.Fill(buffer);

        // Each 32-byte chunk being all zero has probability 2^-256; a chunk left unwritten would be.
        for (int offset = 0; offset + 32 <= length; offset += 32)
        {
            Assert.True(buffer.AsSpan(offset, 32).ContainsAnyExcept((byte)0), $"Bytes at {offset} were not filled.");
        }

        var other = new byte[length];
        SecureRandom.Fill(other);
        Assert.False(buffer.AsSpan().SequenceEqual(other));
    }

    [Fact]
    public void Fill_WipesWhatItHandedOutFromTheBuffer()
    {
        var value = new byte[32];
        for (int i = 0; i < 10; i++)
        {
            SecureRandom.Fill(value);
        }

        var (block, offset) = SecureRandom.InspectThreadBuffer()!.Value;
        if (offset == SecureRandom.BlockSize)
        {
            // The draw used up the block exactly; one more starts a fresh one.
            SecureRandom.Fill(value);
            (block, offset) = SecureRandom.InspectThreadBuffer()!.Value;
        }

        Assert.Equal(SecureRandom.BlockSize, block.Length);
        Assert.InRange(offset, value.Length, SecureRandom.BlockSize);
        Assert.False(block.AsSpan(0, offset).ContainsAnyExcept((byte)0), "Handed-out bytes were left in the buffer.");
        Assert.True(block.AsSpan(offset).ContainsAnyExcept((byte)0), "The unused part of the buffer should hold random bytes.");
        Assert.False(block.AsSpan(offset).IndexOf(value) >= 0, "The last value handed out is still in the buffer.");
    }

    [Fact]
    public void Fill_WithEmptySpan_DoesNothing()
    {
        SecureRandom.Fill(Span<byte>.Empty);
        var value = new byte[32];
        SecureRandom.Fill(value);
        Assert.True(value.AsSpan().ContainsAnyExcept((byte)0));
    }

    [Fact]
    public void Fill_SmallValues_LookUniform()
    {
        // A crude bias check: across 64 KiB of slices each byte value should appear near 256 times.
        var counts = new int[256];
        var value = new byte[32];
        for (int i = 0; i < 2048; i++)
        {
            SecureRandom.Fill(value);
            foreach (byte b in value)
            {
                counts[b]++;
            }
        }

        Assert.All(counts, c => Assert.InRange(c, 150, 370));
    }
}
