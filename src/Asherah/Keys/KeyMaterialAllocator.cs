using Asherah.SecureMemory;

namespace Asherah;

/// <summary>
/// Creates <see cref="KeyMaterial"/> in secure memory configured by <see cref="SecureMemoryOptions"/>: what a key
/// management service uses for every key it returns, so that the factory's options (locked memory or an unlocked
/// fallback, strict protection) cover KMS results too.
/// </summary>
/// <remarks>
/// A <see cref="SessionFactory"/> passes its own allocator to
/// <see cref="IKeyManagementService.DecryptKeyAsync(ReadOnlyMemory{byte}, KeyMaterialAllocator, CancellationToken)"/>.
/// Allocators are cheap handles onto process-wide pools (the memory-lock limit is per process); there is nothing to
/// dispose.
/// </remarks>
public sealed class KeyMaterialAllocator
{
    private static readonly KeyMaterialAllocator s_default = new(SecureAllocators.Default);

    internal KeyMaterialAllocator(SecureAllocator allocator) => Allocator = allocator;

    /// <summary>The allocator for default options: locked memory required, no strict protection.</summary>
    public static KeyMaterialAllocator Default => s_default;

    internal SecureAllocator Allocator { get; }

    /// <summary>An allocator for <paramref name="options"/>.</summary>
    /// <exception cref="PlatformNotSupportedException">
    /// <see cref="SecureMemoryOptions.DisableCoreDumps"/> is set on a platform that cannot disable core dumps.
    /// </exception>
    public static KeyMaterialAllocator Create(SecureMemoryOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        return new KeyMaterialAllocator(SecureAllocators.Create(options));
    }

    /// <summary>Copies <paramref name="key"/> into new secure memory; the caller wipes its own copy.</summary>
    /// <exception cref="ArgumentException"><paramref name="key"/> is empty or longer than <see cref="KeyMaterial.MaxLength"/>.</exception>
    /// <exception cref="SecureMemoryException">The memory could not be allocated or locked.</exception>
    public KeyMaterial Create(ReadOnlySpan<byte> key) => KeyMaterial.Create(key, Allocator);
}
