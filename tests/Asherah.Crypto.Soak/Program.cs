using System.Diagnostics;
using System.Globalization;
using System.Security.Cryptography;
using Asherah.Crypto;
using Asherah;

// Differential soak: random key, nonce, plaintext (and sometimes AAD) per case; the intrinsics engine must match
// AesGcm byte for byte, open what AesGcm sealed, open in place, and reject a random single-bit tamper.
// Usage: Asherah.Crypto.Soak [--cases N] [--seconds S] [--max-length L] [--seed X] [--threads T]
long cases = 1_000_000;
double seconds = double.PositiveInfinity;
int maxLength = 4096;
int seed = Environment.TickCount;
int threads = 1;
for (int i = 0; i < args.Length; i++)
{
    string value = i + 1 < args.Length ? args[i + 1] : throw new ArgumentException($"Missing value for {args[i]}.");
    switch (args[i++])
    {
        case "--cases": cases = long.Parse(value, CultureInfo.InvariantCulture); break;
        case "--seconds": seconds = double.Parse(value, CultureInfo.InvariantCulture); break;
        case "--max-length": maxLength = int.Parse(value, CultureInfo.InvariantCulture); break;
        case "--seed": seed = int.Parse(value, CultureInfo.InvariantCulture); break;
        case "--threads": threads = int.Parse(value, CultureInfo.InvariantCulture); break;
        default: throw new ArgumentException($"Unknown option {args[i - 1]}.");
    }
}

if (!IntrinsicsAesGcmEngine.IsSupported)
{
    Console.Error.WriteLine("The intrinsics engine is not supported on this machine; nothing to soak.");
    return 2;
}

Console.WriteLine($"soak: cases={cases} seconds={seconds} max-length={maxLength} seed={seed} threads={threads}");
var clock = Stopwatch.StartNew();
long done = 0;
long failures = 0;

Parallel.For(0, threads, new ParallelOptions { MaxDegreeOfParallelism = threads }, worker =>
{
    var rng = new Random(seed + worker);
    while (Interlocked.Read(ref failures) == 0 && clock.Elapsed.TotalSeconds < seconds)
    {
        long index = Interlocked.Increment(ref done);
        if (index > cases)
        {
            break;
        }

        // Half the cases stay short (the product's sizes); the rest spread up to max-length.
        int length = rng.Next(2) == 0 ? rng.Next(0, Math.Min(maxLength, 300) + 1) : rng.Next(0, maxLength + 1);
        int aadLength = rng.Next(4) == 0 ? rng.Next(0, 70) : 0;
        string? error = RunCase(rng, length, aadLength);
        if (error is not null)
        {
            Interlocked.Increment(ref failures);
            Console.Error.WriteLine($"FAIL case {index} (seed {seed}, worker {worker}, length {length}, aad {aadLength}): {error}");
        }

        if (index % 1_000_000 == 0)
        {
            Console.WriteLine($"  {index:N0} cases, {clock.Elapsed.TotalSeconds:F0} s");
        }
    }
});

long total = Math.Min(Interlocked.Read(ref done), cases);
Console.WriteLine($"soak: {(failures == 0 ? "PASS" : "FAIL")} after about {total:N0} cases in {clock.Elapsed.TotalSeconds:F1} s");
return failures == 0 ? 0 : 1;

static string? RunCase(Random rng, int length, int aadLength)
{
    var engine = IntrinsicsAesGcmEngine.Instance;
    var key = new byte[AesGcmEngine.KeySize];
    var nonce = new byte[AesGcmEngine.NonceSize];
    var aad = new byte[aadLength];
    var plaintext = new byte[length];
    rng.NextBytes(key);
    rng.NextBytes(nonce);
    rng.NextBytes(aad);
    rng.NextBytes(plaintext);

    var expected = new byte[length];
    var expectedTag = new byte[AesGcmEngine.TagSize];
    using (var gcm = new AesGcm(key, AesGcmEngine.TagSize))
    {
        gcm.Encrypt(nonce, plaintext, expected, expectedTag, aad);
    }

    var state = new byte[engine.KeyStateSize];
    engine.InitializeKeyState(key, state);

    var ciphertext = new byte[length];
    var tag = new byte[AesGcmEngine.TagSize];
    IntrinsicsAesGcmEngine.Seal(state, nonce, aad, plaintext, ciphertext, tag);
    if (!ciphertext.AsSpan().SequenceEqual(expected) || !tag.AsSpan().SequenceEqual(expectedTag))
    {
        return "seal differs from AesGcm";
    }

    var buffer = (byte[])expected.Clone();
    if (!IntrinsicsAesGcmEngine.TryOpen(state, nonce, aad, buffer, expectedTag, buffer) || !buffer.AsSpan().SequenceEqual(plaintext))
    {
        return "in-place open of AesGcm output failed";
    }

    if (aadLength == 0)
    {
        var platformState = new byte[PlatformAesGcmEngine.Instance.KeyStateSize];
        PlatformAesGcmEngine.Instance.InitializeKeyState(key, platformState);
        var reopened = new byte[length];
        if (!PlatformAesGcmEngine.Instance.TryOpen(platformState, nonce, ciphertext, tag, reopened) || !reopened.AsSpan().SequenceEqual(plaintext))
        {
            return "platform engine could not open intrinsics output";
        }
    }

    // One random bit flip anywhere in ciphertext || tag || nonce must be rejected and clear the output.
    int bits = (length + AesGcmEngine.TagSize + AesGcmEngine.NonceSize) * 8;
    int bit = rng.Next(bits);
    byte[] target = bit < length * 8 ? ciphertext : bit < (length + AesGcmEngine.TagSize) * 8 ? tag : nonce;
    int at = bit < length * 8 ? bit : bit < (length + AesGcmEngine.TagSize) * 8 ? bit - length * 8 : bit - (length + AesGcmEngine.TagSize) * 8;
    target[at / 8] ^= (byte)(1 << (at % 8));
    var output = new byte[length];
    output.AsSpan().Fill(0xA5);
    if (IntrinsicsAesGcmEngine.TryOpen(state, nonce, aad, ciphertext, tag, output))
    {
        return "opened after a bit flip";
    }

    if (output.AsSpan().ContainsAnyExcept((byte)0))
    {
        return "output not cleared after a failed open";
    }

    return null;
}
