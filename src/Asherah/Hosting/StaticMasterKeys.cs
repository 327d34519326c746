using System.Security.Cryptography;
using System.Text;
using Asherah.Crypto;

namespace Asherah.Hosting;

/// <summary>
/// The built-in <c>static</c> provider: a <see cref="StaticKeyManagementService"/> over
/// <see cref="AsherahOptions.StaticMasterKey"/>, else over the key in <see cref="AsherahOptions.StaticMasterKeyFile"/>.
/// </summary>
/// <remarks>
/// <code>
/// key-file := key [ "\n" | "\r\n" ]        ; key is exactly 32 bytes, used as-is (as the string form's UTF-8)
/// </code>
/// The file is read into a stack buffer that is wiped at once, so the key is never a managed string or array. Messages
/// name the setting or the file, never what the key holds.
/// </remarks>
internal static class StaticMasterKeys
{
    private const int KeySize = 32;

    public static IKeyManagementService Create(AsherahProviderContext context, AesGcmEngine engine, KeyMaterialAllocator allocator)
    {
        var options = context.Options;
        if (!string.IsNullOrEmpty(options.StaticMasterKey))
        {
            return StaticKeyManagementService.Create(options.StaticMasterKey, engine, allocator);
        }

        if (string.IsNullOrEmpty(options.StaticMasterKeyFile))
        {
            throw new InvalidOperationException(Missing);
        }

        Span<byte> buffer = stackalloc byte[KeySize + 3];
        try
        {
            var key = Read(options.StaticMasterKeyFile, buffer, out var error);
            return error is null
                ? StaticKeyManagementService.Create(key, engine, allocator)
                : throw new InvalidOperationException(error);
        }
        finally
        {
            CryptographicOperations.ZeroMemory(buffer);
        }
    }

    /// <summary>What is wrong with the static key settings, or <see langword="null"/>.</summary>
    public static string? Validate(AsherahOptions options)
    {
        if (!string.IsNullOrEmpty(options.StaticMasterKey))
        {
            int length = Encoding.UTF8.GetByteCount(options.StaticMasterKey);
            return length == KeySize
                ? null
                : $"{AsherahOptionsBinder.Describe("Asherah:StaticMasterKey")} must be exactly {KeySize} bytes in UTF-8; it is {length}.";
        }

        if (string.IsNullOrEmpty(options.StaticMasterKeyFile))
        {
            return Missing;
        }

        Span<byte> buffer = stackalloc byte[KeySize + 3];
        try
        {
            _ = Read(options.StaticMasterKeyFile, buffer, out var error);
            return error;
        }
        finally
        {
            CryptographicOperations.ZeroMemory(buffer);
        }
    }

    private static string Missing =>
        $"The static KMS needs a master key: set {AsherahOptionsBinder.Describe("Asherah:StaticMasterKey")} or {AsherahOptionsBinder.Describe("Asherah:StaticMasterKeyFile")}.";

    /// <summary>Reads the key file into <paramref name="buffer"/> (which the caller wipes); the key, or an error.</summary>
    private static ReadOnlySpan<byte> Read(string path, Span<byte> buffer, out string? error)
    {
        string where = $"{AsherahOptionsBinder.Describe("Asherah:StaticMasterKeyFile")}: the file '{path}'";
        int read;
        try
        {
            using var stream = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.Read);
            read = stream.ReadAtLeast(buffer, buffer.Length, throwOnEndOfStream: false);
        }
        catch (Exception e) when (e is FileNotFoundException or DirectoryNotFoundException)
        {
            error = $"{where} does not exist.";
            return default;
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            error = $"{where} cannot be read: {e.Message}";
            return default;
        }

        ReadOnlySpan<byte> key = buffer[..read];
        key = key.EndsWith("\r\n"u8) ? key[..^2] : key.EndsWith("\n"u8) ? key[..^1] : key;
        if (key.Length != KeySize)
        {
            error = $"{where} must hold exactly {KeySize} bytes (a final line break is allowed); it holds {(read == buffer.Length ? "more" : key.Length.ToString(System.Globalization.CultureInfo.InvariantCulture))}.";
            return default;
        }

        error = null;
        return key;
    }
}
