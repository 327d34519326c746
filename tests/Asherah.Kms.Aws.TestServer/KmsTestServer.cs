using System.Collections.Concurrent;
using System.Net;
using System.Security.Cryptography;
using System.Text.Json;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace Asherah.Kms.Aws.TestServer;

/// <summary>
/// A local AWS KMS on loopback for tests: the KMS JSON 1.1 protocol that the real AWS SDK client speaks, for
/// <c>GenerateDataKey</c>, <c>Encrypt</c> and <c>Decrypt</c>, with one key per region and faults per region.
/// </summary>
/// <remarks>
/// <code>
/// request  := POST / ; X-Amz-Target: TrentService.{GenerateDataKey|Encrypt|Decrypt}
///             Content-Type: application/x-amz-json-1.1 ; Authorization: AWS4-HMAC-SHA256 Credential=AKID/date/REGION/kms/aws4_request, ...
///             body {"KeyId":s, "KeySpec":"AES_256" | "NumberOfBytes":n, "Plaintext":b64, "CiphertextBlob":b64}
/// response := 200 {"KeyId":arn, "CiphertextBlob":b64, "Plaintext":b64, ...}
///           | 4xx/5xx {"__type":"ErrorCode","message":"..."}
/// </code>
/// One server hosts every region: the region is the one the client signed for (the SigV4 credential scope), as the
/// real service refuses a signature for another region. Point a client at it with <c>ServiceURL = Url</c> and
/// <c>AuthenticationRegion = region</c>. Signatures themselves are not checked (the credentials are dummies).
/// </remarks>
public sealed class KmsTestServer : IAsyncDisposable
{
    private const string JsonContentType = "application/x-amz-json-1.1";

    private readonly WebApplication _app;
    private readonly Dictionary<string, RegionKey> _keys;
    private readonly ConcurrentDictionary<(string Region, string Operation), KmsFault> _faults = new();
    private readonly ConcurrentDictionary<(string Region, string Operation), int> _requests = new();
    private readonly CancellationTokenSource _stopping = new();

    private KmsTestServer(WebApplication app, Dictionary<string, RegionKey> keys)
    {
        _app = app;
        _keys = keys;
    }

    /// <summary>The server's address, for <c>ServiceURL</c>.</summary>
    public Uri Url { get; private set; } = null!;

    /// <summary>The regions served.</summary>
    public IReadOnlyCollection<string> Regions => _keys.Keys;

    /// <summary>Starts a server on 127.0.0.1 with a free port and a new key in each of <paramref name="regions"/>.</summary>
    public static async Task<KmsTestServer> StartAsync(params string[] regions)
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        builder.WebHost.ConfigureKestrel(o => o.Listen(IPAddress.Loopback, 0));
        var app = builder.Build();
        var server = new KmsTestServer(app, regions.ToDictionary(r => r, r => new RegionKey(r), StringComparer.Ordinal));
        app.Run(server.HandleAsync);
        await app.StartAsync();
        var address = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First();
        server.Url = new Uri(address);
        return server;
    }

    /// <summary>The key of <paramref name="region"/>.</summary>
    public RegionKey Key(string region) => _keys[region];

    /// <summary>The key ARN of <paramref name="region"/>.</summary>
    public string KeyArn(string region) => _keys[region].Arn;

    /// <summary>Makes <paramref name="region"/> misbehave, for every operation or only <paramref name="operation"/> (<c>Encrypt</c>, ...).</summary>
    public void SetFault(string region, KmsFault fault, string? operation = null) => _faults[(region, operation ?? "*")] = fault;

    /// <summary>Every region answers normally again.</summary>
    public void ClearFaults() => _faults.Clear();

    /// <summary>How many requests for <paramref name="operation"/> reached <paramref name="region"/> (faulted ones included).</summary>
    public int Requests(string region, string operation) => _requests.GetValueOrDefault((region, operation));

    /// <summary>Forgets the request counts.</summary>
    public void ResetCounts() => _requests.Clear();

    /// <inheritdoc />
    public async ValueTask DisposeAsync()
    {
        await _stopping.CancelAsync();
        await _app.StopAsync();
        await _app.DisposeAsync();
        foreach (var key in _keys.Values)
        {
            key.Dispose();
        }

        _stopping.Dispose();
    }

    private async Task HandleAsync(HttpContext context)
    {
        var request = context.Request;
        var target = request.Headers["X-Amz-Target"].ToString();
        const string prefix = "TrentService.";
        if (!HttpMethods.IsPost(request.Method) || !target.StartsWith(prefix, StringComparison.Ordinal))
        {
            await ErrorAsync(context, 400, "UnknownOperationException", "Expected POST with X-Amz-Target: TrentService.<Operation>.");
            return;
        }

        if (!(request.ContentType ?? string.Empty).StartsWith(JsonContentType, StringComparison.Ordinal))
        {
            await ErrorAsync(context, 400, "SerializationException", $"Content-Type must be {JsonContentType}.");
            return;
        }

        var operation = target[prefix.Length..];
        if (RegionOf(request.Headers.Authorization.ToString()) is not { } region || !_keys.TryGetValue(region, out var key))
        {
            await ErrorAsync(context, 400, "UnrecognizedClientException", "The request is not signed for a region this server hosts.");
            return;
        }

        _requests.AddOrUpdate((region, operation), 1, static (_, n) => n + 1);
        var fault = _faults.GetValueOrDefault((region, operation), KmsFault.None) is var specific && specific != KmsFault.None
            ? specific
            : _faults.GetValueOrDefault((region, "*"), KmsFault.None);
        switch (fault)
        {
            case KmsFault.Fail:
                await ErrorAsync(context, 500, "KMSInternalException", "The service failed (injected).");
                return;
            case KmsFault.Throttle:
                await ErrorAsync(context, 400, "ThrottlingException", "Rate exceeded (injected).");
                return;
            case KmsFault.Disabled:
                await ErrorAsync(context, 400, "DisabledException", $"{key.Arn} is disabled.");
                return;
            case KmsFault.Hang:
                using (var hang = CancellationTokenSource.CreateLinkedTokenSource(context.RequestAborted, _stopping.Token))
                {
                    try
                    {
                        await Task.Delay(Timeout.Infinite, hang.Token);
                    }
                    catch (OperationCanceledException)
                    {
                        context.Abort();
                    }
                }

                return;
        }

        JsonElement body;
        try
        {
            using var document = await JsonDocument.ParseAsync(request.Body, cancellationToken: context.RequestAborted);
            body = document.RootElement.Clone();
        }
        catch (JsonException)
        {
            await ErrorAsync(context, 400, "SerializationException", "The body is not JSON.");
            return;
        }

        switch (operation)
        {
            case "GenerateDataKey":
                await GenerateDataKeyAsync(context, key, body);
                return;
            case "Encrypt":
                await EncryptAsync(context, key, body);
                return;
            case "Decrypt":
                await DecryptAsync(context, key, body);
                return;
            default:
                await ErrorAsync(context, 400, "UnknownOperationException", $"{operation} is not implemented by this test server.");
                return;
        }
    }

    private static async Task GenerateDataKeyAsync(HttpContext context, RegionKey key, JsonElement body)
    {
        if (!key.Matches(Text(body, "KeyId")))
        {
            await NotFoundAsync(context, body);
            return;
        }

        int length = Text(body, "KeySpec") switch
        {
            "AES_256" => 32,
            "AES_128" => 16,
            null when body.TryGetProperty("NumberOfBytes", out var n) && n.TryGetInt32(out var bytes) && bytes is >= 1 and <= 1024 => bytes,
            _ => 0,
        };
        if (length == 0)
        {
            await ErrorAsync(context, 400, "ValidationException", "KeySpec must be AES_256 or AES_128, or NumberOfBytes 1..1024.");
            return;
        }

        var plaintext = RandomNumberGenerator.GetBytes(length);
        await WriteAsync(context, w =>
        {
            w.WriteString("KeyId", key.Arn);
            w.WriteBase64String("CiphertextBlob", key.Encrypt(plaintext));
            w.WriteBase64String("Plaintext", plaintext);
        });
    }

    private static async Task EncryptAsync(HttpContext context, RegionKey key, JsonElement body)
    {
        if (!key.Matches(Text(body, "KeyId")))
        {
            await NotFoundAsync(context, body);
            return;
        }

        if (Bytes(body, "Plaintext") is not { Length: >= 1 and <= 4096 } plaintext)
        {
            await ErrorAsync(context, 400, "ValidationException", "Plaintext must be 1 to 4096 bytes of base64.");
            return;
        }

        await WriteAsync(context, w =>
        {
            w.WriteString("KeyId", key.Arn);
            w.WriteBase64String("CiphertextBlob", key.Encrypt(plaintext));
            w.WriteString("EncryptionAlgorithm", "SYMMETRIC_DEFAULT");
        });
    }

    private static async Task DecryptAsync(HttpContext context, RegionKey key, JsonElement body)
    {
        if (Bytes(body, "CiphertextBlob") is not { } blob || RegionKey.ArnOf(blob) is not { } blobArn || blobArn != key.Arn)
        {
            // A blob of another region's key, or not a blob of this server at all.
            await ErrorAsync(context, 400, "InvalidCiphertextException", "The ciphertext is not valid for any key in this region.");
            return;
        }

        if (Text(body, "KeyId") is { } keyId && !key.Matches(keyId))
        {
            await ErrorAsync(context, 400, "IncorrectKeyException", "The key ID in the request does not identify the key that encrypted the ciphertext.");
            return;
        }

        if (key.Decrypt(blob) is not { } plaintext)
        {
            await ErrorAsync(context, 400, "InvalidCiphertextException", "The ciphertext does not authenticate.");
            return;
        }

        await WriteAsync(context, w =>
        {
            w.WriteString("KeyId", key.Arn);
            w.WriteBase64String("Plaintext", plaintext);
            w.WriteString("EncryptionAlgorithm", "SYMMETRIC_DEFAULT");
        });
    }

    private static Task NotFoundAsync(HttpContext context, JsonElement body) =>
        ErrorAsync(context, 400, "NotFoundException", $"Key '{Text(body, "KeyId")}' does not exist in this region.");

    /// <summary>The region of a SigV4 <c>Authorization</c> header: <c>Credential=AKID/date/REGION/kms/aws4_request</c>.</summary>
    private static string? RegionOf(string authorization)
    {
        int start = authorization.IndexOf("Credential=", StringComparison.Ordinal);
        if (start < 0)
        {
            return null;
        }

        var credential = authorization[(start + "Credential=".Length)..].Split(',')[0].Split('/');
        return credential.Length == 5 && credential[3] == "kms" ? credential[2] : null;
    }

    private static string? Text(JsonElement body, string name) =>
        body.ValueKind == JsonValueKind.Object && body.TryGetProperty(name, out var value) && value.ValueKind == JsonValueKind.String ? value.GetString() : null;

    private static byte[]? Bytes(JsonElement body, string name) =>
        body.ValueKind == JsonValueKind.Object && body.TryGetProperty(name, out var value) && value.ValueKind == JsonValueKind.String && value.TryGetBytesFromBase64(out var bytes)
            ? bytes
            : null;

    private static Task WriteAsync(HttpContext context, Action<Utf8JsonWriter> write) => WriteAsync(context, 200, write);

    private static Task ErrorAsync(HttpContext context, int status, string type, string message)
    {
        context.Response.Headers["x-amzn-ErrorType"] = type;
        return WriteAsync(context, status, w =>
        {
            w.WriteString("__type", type);
            w.WriteString("message", message);
        });
    }

    private static async Task WriteAsync(HttpContext context, int status, Action<Utf8JsonWriter> write)
    {
        context.Response.ContentType = JsonContentType;
        context.Response.Headers["x-amzn-RequestId"] = Guid.NewGuid().ToString();
        context.Response.StatusCode = status;
        using var buffer = new MemoryStream();
        using (var writer = new Utf8JsonWriter(buffer))
        {
            writer.WriteStartObject();
            write(writer);
            writer.WriteEndObject();
        }

        await context.Response.Body.WriteAsync(buffer.ToArray());
    }
}
