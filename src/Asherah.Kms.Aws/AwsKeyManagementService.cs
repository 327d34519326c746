using System.Diagnostics.Metrics;
using System.Security.Cryptography;
using Amazon;
using Amazon.KeyManagementService;
using Amazon.KeyManagementService.Model;
using Asherah.Kms.Aws.Diagnostics;
using Asherah.Kms.Aws.Envelope;
using Asherah.Kms.Aws.Internal;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;

namespace Asherah.Kms.Aws;

/// <summary>
/// Protects system keys with AWS KMS keys in several regions, in canonical Asherah's envelope, so that a system key
/// stays readable while any one of its regions answers.
/// </summary>
/// <remarks>
/// <para>
/// <b>Encrypt.</b> <c>GenerateDataKey(AES_256)</c> in the first region, in preference order, that answers in time;
/// the system key is sealed with the data key (Asherah's AES-256-GCM blob, <see cref="AeadKey"/>); every other
/// region encrypts the data key with KMS <c>Encrypt</c> (in parallel, each with <see cref="AwsKmsOptions.RegionTimeout"/>);
/// the result is the JSON envelope of <see cref="KmsEnvelope"/> with one entry per region that succeeded, in
/// preference order. No region answering <c>GenerateDataKey</c> throws a <see cref="KmsException"/> naming the regions
/// tried and why.
/// </para>
/// <para>
/// <b>A secondary region's <c>Encrypt</c> fails.</b> Canonical C# then fails the whole operation (losing availability);
/// canonical Go leaves the region out without telling anyone (losing redundancy silently). Here the key is written
/// without the failed regions only when at least <see cref="AwsKmsOptions.MinimumRegions"/> regions (default 2, capped
/// at the number configured) hold it; every region left out is logged as a warning (event 301) and counted on
/// <c>asherah.kms.key.regions_missing</c> (meter <c>Asherah</c>, tag <c>region</c>). With fewer, the operation fails
/// with a <see cref="KmsException"/> (transient when a failed region's error was) (event 304) and the caller's retry, or the next writer, tries again.
/// </para>
/// <para>
/// <b>Decrypt.</b> The configured regions that have an entry in the envelope, in preference order: KMS <c>Decrypt</c>
/// of the entry (with <c>KeyId</c> = its ARN), then the data key opens the system key. A region that fails, times out
/// or returns a data key that does not open the system key falls through to the next (event 300,
/// <c>asherah.kms.region.failures</c>). All failing throws a <see cref="KmsException"/>, transient when any failure was.
/// </para>
/// <para>
/// One client per region, made on first use by <see cref="AwsKmsOptions.ClientFactory"/> and reused; they are disposed
/// with this service. Plaintext data keys live in a pinned array wiped after use or in <see cref="AeadKey"/>'s secure
/// memory; the SDK's response buffers holding them are wiped on receipt. Logs and exceptions carry regions, ARNs and
/// AWS error codes only. Thread-safe.
/// </para>
/// </remarks>
public sealed class AwsKeyManagementService : IKeyManagementService, IDisposable
{
    private const string GenerateDataKeyOperation = "generate_data_key";
    private const string EncryptOperation = "encrypt";
    private const string DecryptOperation = "decrypt";

    private readonly AwsKmsRegion[] _regions;
    private readonly IAmazonKeyManagementService?[] _clients;
    private readonly Func<string, IAmazonKeyManagementService> _clientFactory;
    private readonly TimeSpan _timeout;
    private readonly TimeProvider _time;
    private readonly int _minimumRegions;
    private readonly KeyMaterialAllocator _allocator;
    private readonly ILogger _logger;
    private readonly AwsKmsMetrics _metrics;
    private int _disposed;

    /// <summary>Creates the service; no region is called until the first operation.</summary>
    /// <param name="options">The regions and settings; copied, later changes have no effect.</param>
    /// <param name="allocator">Secure memory for data keys (default <see cref="KeyMaterialAllocator.Default"/>).</param>
    /// <param name="logger">Where region failures are logged (default none).</param>
    /// <param name="meterFactory">Where the meter <c>Asherah</c> comes from (default a meter of this service's own).</param>
    /// <exception cref="ArgumentException">The options are not usable (<see cref="AwsKmsOptions.Validate"/> says why).</exception>
    public AwsKeyManagementService(AwsKmsOptions options, KeyMaterialAllocator? allocator = null, ILogger? logger = null, IMeterFactory? meterFactory = null)
    {
        ArgumentNullException.ThrowIfNull(options);
        if (options.Validate() is { } problem)
        {
            throw new ArgumentException(problem, nameof(options));
        }

        _regions = options.OrderedRegions();
        _clients = new IAmazonKeyManagementService?[_regions.Length];
        _clientFactory = options.ClientFactory ?? DefaultClient;
        _timeout = options.RegionTimeout;
        _time = options.TimeProvider;
        _minimumRegions = Math.Min(options.MinimumRegions, _regions.Length);
        _allocator = allocator ?? KeyMaterialAllocator.Default;
        _logger = logger ?? NullLogger.Instance;
        _metrics = new AwsKmsMetrics(meterFactory);
    }

    /// <summary>The regions in preference order.</summary>
    public IReadOnlyList<AwsKmsRegion> Regions => _regions;

    /// <inheritdoc />
    /// <exception cref="KmsException">
    /// No region generated a data key, or fewer than <see cref="AwsKmsOptions.MinimumRegions"/> regions hold it. The
    /// message names each region tried and its AWS error code; <see cref="KmsException.IsTransient"/> is set when a
    /// retry may succeed.
    /// </exception>
    public async ValueTask<byte[]> EncryptKeyAsync(KeyMaterial key, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(key);
        ObjectDisposedException.ThrowIf(_disposed != 0, this);
        var failures = new List<RegionFailure>();
        var plaintext = DataKeys.AllocatePinned();
        try
        {
            // 1. A data key from the first region that answers.
            int source = -1;
            byte[]? sourceBlob = null;
            for (int i = 0; i < _regions.Length && source < 0; i++)
            {
                var outcome = await CallAsync(i, static (client, arn, token) =>
                    client.GenerateDataKeyAsync(new GenerateDataKeyRequest { KeyId = arn, KeySpec = DataKeySpec.AES_256 }, token), cancellationToken).ConfigureAwait(false);
                if (outcome.Failure is null)
                {
                    var response = outcome.Response!;
                    if (!DataKeys.TryTake(response.Plaintext, plaintext))
                    {
                        outcome = new(null, RegionFailure.InvalidResponse(_regions[i].Region, $"GenerateDataKey returned no {DataKeys.Length}-byte plaintext"));
                    }
                    else if (response.CiphertextBlob is not { Length: > 0 })
                    {
                        outcome = new(null, RegionFailure.InvalidResponse(_regions[i].Region, "GenerateDataKey returned no CiphertextBlob"));
                    }
                    else
                    {
                        source = i;
                        sourceBlob = response.CiphertextBlob.ToArray();
                    }
                }

                if (outcome.Failure is { } failure)
                {
                    Fail(GenerateDataKeyOperation, failure);
                    failures.Add(failure);
                }
            }

            if (source < 0)
            {
                throw AllFailed("generate a data key", GenerateDataKeyOperation, failures);
            }

            if (source > 0)
            {
                AwsKmsLog.FellBack(_logger, GenerateDataKeyOperation, _regions[source].Region, source);
            }

            // 2. The system key sealed with the data key; 3. the data key encrypted in every other region, in parallel.
            byte[] encryptedKey;
            using (var dataKey = AeadKey.Create(plaintext, _allocator))
            {
                encryptedKey = dataKey.Seal(key);
            }

            var others = new Task<Outcome<EncryptResponse>>[_regions.Length];
            for (int i = 0; i < _regions.Length; i++)
            {
                if (i != source)
                {
                    others[i] = CallAsync(i, (client, arn, token) =>
                        client.EncryptAsync(new EncryptRequest { KeyId = arn, Plaintext = new MemoryStream(plaintext, writable: false) }, token), cancellationToken);
                }
            }

            // Every call must end before the finally wipes the plaintext they read, even when the caller cancels.
            await Task.WhenAll(others.Where(t => t is not null)).ConfigureAwait(false);
            var keks = new List<KmsKek>(_regions.Length);
            var missing = new List<RegionFailure>();
            for (int i = 0; i < _regions.Length; i++)
            {
                if (i == source)
                {
                    keks.Add(new KmsKek(_regions[i].Region, _regions[i].KeyArn, sourceBlob!));
                    continue;
                }

                var outcome = await others[i].ConfigureAwait(false);
                if (outcome.Failure is null && outcome.Response!.CiphertextBlob is { Length: > 0 } blob)
                {
                    keks.Add(new KmsKek(_regions[i].Region, _regions[i].KeyArn, blob.ToArray()));
                    continue;
                }

                var failure = outcome.Failure ?? RegionFailure.InvalidResponse(_regions[i].Region, "Encrypt returned no CiphertextBlob");
                _metrics.CountFailure(failure.Region, EncryptOperation, failure.Reason);
                missing.Add(failure);
            }

            if (keks.Count < _minimumRegions)
            {
                var list = string.Join(", ", missing);
                AwsKmsLog.TooFewRegions(_logger, keks.Count, _minimumRegions, list);
                throw new KmsException(
                    $"The system key would be readable in only {keks.Count} AWS KMS region(s) ({string.Join(", ", keks.Select(k => k.Region))}), fewer than the {_minimumRegions} required (AwsKmsOptions.MinimumRegions); Encrypt failed in: {list}.",
                    Inner(missing),
                    isTransient: missing.Any(f => f.IsTransient));
            }

            foreach (var failure in missing)
            {
                AwsKmsLog.RegionMissing(_logger, failure.Region, failure.Reason, failure.Error, keks.Count, _regions.Length, failure.Exception);
                _metrics.CountMissing(failure.Region);
            }

            return new KmsEnvelope(encryptedKey, keks).ToJson();
        }
        finally
        {
            CryptographicOperations.ZeroMemory(plaintext);
        }
    }

    /// <inheritdoc />
    /// <exception cref="KmsException">
    /// The envelope is malformed, has no entry for a configured region, or no region decrypted it; the message names each
    /// region tried and its AWS error code.
    /// </exception>
    public async ValueTask<KeyMaterial> DecryptKeyAsync(ReadOnlyMemory<byte> encryptedKey, KeyMaterialAllocator allocator, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(allocator);
        ObjectDisposedException.ThrowIf(_disposed != 0, this);
        var envelope = KmsEnvelope.Parse(encryptedKey.Span);
        var failures = new List<RegionFailure>();
        var plaintext = DataKeys.AllocatePinned();
        try
        {
            for (int i = 0; i < _regions.Length; i++)
            {
                if (envelope.Find(_regions[i].Region) is not { } kek)
                {
                    continue;
                }

                var keyId = string.IsNullOrEmpty(kek.Arn) ? null : kek.Arn;
                var outcome = await CallAsync(i, (client, _, token) =>
                    client.DecryptAsync(new DecryptRequest { CiphertextBlob = new MemoryStream(kek.EncryptedKek, writable: false), KeyId = keyId }, token), cancellationToken).ConfigureAwait(false);
                var failure = outcome.Failure;
                if (failure is null)
                {
                    if (!DataKeys.TryTake(outcome.Response!.Plaintext, plaintext))
                    {
                        failure = RegionFailure.InvalidResponse(_regions[i].Region, $"Decrypt returned no {DataKeys.Length}-byte plaintext");
                    }
                    else
                    {
                        using var dataKey = AeadKey.Create(plaintext, _allocator);
                        CryptographicOperations.ZeroMemory(plaintext);
                        if (dataKey.TryOpenKey(envelope.EncryptedKey, allocator, out var systemKey))
                        {
                            if (failures.Count > 0)
                            {
                                AwsKmsLog.FellBack(_logger, DecryptOperation, _regions[i].Region, failures.Count);
                            }

                            return systemKey;
                        }

                        failure = RegionFailure.Undecryptable(_regions[i].Region);
                    }
                }

                Fail(DecryptOperation, failure);
                failures.Add(failure);
            }

            if (failures.Count == 0)
            {
                var present = string.Join(", ", envelope.Keks.Select(k => k.Region));
                var configured = string.Join(", ", _regions.Select(r => r.Region));
                throw new KmsException($"The system key's AWS KMS envelope has entries for {present} only, none of the configured regions ({configured}).");
            }

            throw AllFailed("decrypt the system key", DecryptOperation, failures);
        }
        finally
        {
            CryptographicOperations.ZeroMemory(plaintext);
        }
    }

    /// <summary>Disposes the regions' clients. Idempotent.</summary>
    public void Dispose()
    {
        if (Interlocked.Exchange(ref _disposed, 1) != 0)
        {
            return;
        }

        for (int i = 0; i < _clients.Length; i++)
        {
            Interlocked.Exchange(ref _clients[i], null)?.Dispose();
        }

        _metrics.Dispose();
    }

    // Signing for the configured region even when the endpoint is overridden (AWS_ENDPOINT_URL_KMS, a VPC endpoint):
    // the SDK otherwise guesses the signing region from the endpoint's host name.
    private static IAmazonKeyManagementService DefaultClient(string region) =>
        new AmazonKeyManagementServiceClient(new AmazonKeyManagementServiceConfig
        {
            RegionEndpoint = RegionEndpoint.GetBySystemName(region),
            AuthenticationRegion = region,
        });

    private static AggregateException? Inner(List<RegionFailure> failures)
    {
        var exceptions = failures.Where(f => f.Exception is not null).Select(f => f.Exception!).ToList();
        return exceptions.Count == 0 ? null : new AggregateException("The AWS KMS regions' errors.", exceptions);
    }

    private KmsException AllFailed(string what, string operation, List<RegionFailure> failures)
    {
        var list = string.Join(", ", failures);
        AwsKmsLog.AllRegionsFailed(_logger, operation, list);
        return new KmsException($"Could not {what} in any AWS KMS region; tried {list}.", Inner(failures), isTransient: failures.Any(f => f.IsTransient));
    }

    private void Fail(string operation, RegionFailure failure)
    {
        AwsKmsLog.RegionFailed(_logger, operation, failure.Region, failure.Reason, failure.Error, failure.Exception);
        _metrics.CountFailure(failure.Region, operation, failure.Reason);
    }

    private IAmazonKeyManagementService Client(int index)
    {
        var client = Volatile.Read(ref _clients[index]);
        if (client is not null)
        {
            return client;
        }

        var created = _clientFactory(_regions[index].Region)
            ?? throw new InvalidOperationException($"The AWS KMS client factory returned null for region {_regions[index].Region}.");
        var winner = Interlocked.CompareExchange(ref _clients[index], created, null);
        if (winner is not null)
        {
            created.Dispose();
            return winner;
        }

        if (_disposed != 0 && Interlocked.Exchange(ref _clients[index], null) is { } late)
        {
            late.Dispose();
            throw new ObjectDisposedException(nameof(AwsKeyManagementService));
        }

        return created;
    }

    /// <summary>One call to one region under the region's timeout; a region failure is returned, the caller's cancellation thrown.</summary>
    private async Task<Outcome<T>> CallAsync<T>(
        int index,
        Func<IAmazonKeyManagementService, string, CancellationToken, Task<T>> call,
        CancellationToken cancellationToken)
        where T : class
    {
        var region = _regions[index];
        using var timeout = new CancellationTokenSource(_timeout, _time);
        using var linked = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken, timeout.Token);
        try
        {
            var client = Client(index);

            // WaitAsync as well as the token: a client that ignores cancellation still cannot hold us past the timeout.
            var response = await call(client, region.KeyArn, linked.Token).WaitAsync(linked.Token).ConfigureAwait(false);
            return new(response, null);
        }
        catch (Exception e) when (!cancellationToken.IsCancellationRequested && timeout.IsCancellationRequested)
        {
            return new(null, RegionFailure.Timeout(region.Region, _timeout, e));
        }
        catch (Exception e) when (!cancellationToken.IsCancellationRequested && e is not ObjectDisposedException)
        {
            return new(null, RegionFailure.From(region.Region, e));
        }
    }

    private readonly record struct Outcome<T>(T? Response, RegionFailure? Failure)
        where T : class;
}
