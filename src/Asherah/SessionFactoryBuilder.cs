using System.Diagnostics.Metrics;
using Asherah.Crypto;
using Asherah.Diagnostics;
using Asherah.KeyManagement;
using Asherah.SecureMemory;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Logging;

namespace Asherah;

/// <summary>Configures and builds a <see cref="SessionFactory"/>.</summary>
/// <remarks>
/// A metastore, a crypto policy and a key management service are required. Defaults: no logging, the system clock,
/// <see cref="AesGcmEngineKind.Auto"/>, a meter named <c>Asherah</c>.
/// </remarks>
public sealed class SessionFactoryBuilder
{
    private readonly string _productId;
    private readonly string _serviceId;
    private IMetastore? _metastore;
    private CryptoPolicy? _policy;
    private IKeyManagementService? _kms;
    private string? _staticMasterKey;
    private ILogger? _logger;
    private TimeProvider _time = TimeProvider.System;
    private IMeterFactory? _meterFactory;
    private AesGcmEngineKind _engine = AesGcmEngineKind.Auto;
    private SecureMemoryOptions _secureMemory = new();

    internal SessionFactoryBuilder(string productId, string serviceId)
    {
        if (string.IsNullOrEmpty(productId))
        {
            throw new ArgumentException("A product id must be a non-empty string.", nameof(productId));
        }

        if (string.IsNullOrEmpty(serviceId))
        {
            throw new ArgumentException("A service id must be a non-empty string.", nameof(serviceId));
        }

        _productId = productId;
        _serviceId = serviceId;
    }

    /// <summary>Uses <paramref name="metastore"/> for system and intermediate key records.</summary>
    public SessionFactoryBuilder WithMetastore(IMetastore metastore)
    {
        ArgumentNullException.ThrowIfNull(metastore);
        _metastore = metastore;
        return this;
    }

    /// <summary>Uses a new <see cref="InMemoryMetastore"/> (tests and samples only: keys are lost with the process).</summary>
    public SessionFactoryBuilder WithInMemoryMetastore() => WithMetastore(new InMemoryMetastore());

    /// <summary>Uses <paramref name="policy"/> for key expiry, revocation checks and caching.</summary>
    public SessionFactoryBuilder WithCryptoPolicy(CryptoPolicy policy)
    {
        ArgumentNullException.ThrowIfNull(policy);
        _policy = policy;
        return this;
    }

    /// <summary>Uses a <see cref="NeverExpiredCryptoPolicy"/> (tests only).</summary>
    public SessionFactoryBuilder WithNeverExpiredCryptoPolicy() => WithCryptoPolicy(new NeverExpiredCryptoPolicy());

    /// <summary>Uses <paramref name="kms"/> to protect system keys; it stays the caller's to dispose.</summary>
    public SessionFactoryBuilder WithKeyManagementService(IKeyManagementService kms)
    {
        ArgumentNullException.ThrowIfNull(kms);
        _kms = kms;
        _staticMasterKey = null;
        return this;
    }

    /// <summary>
    /// Uses a <see cref="StaticKeyManagementService"/> over <paramref name="masterKey"/> (exactly 32 UTF-8 bytes).
    /// Development and tests only.
    /// </summary>
    /// <remarks>
    /// Each <see cref="Build"/> creates the service on the factory's AES-GCM engine and secure memory (so the order of the
    /// <c>With</c> calls does not matter), and the factory disposes it.
    /// </remarks>
    /// <exception cref="ArgumentException"><paramref name="masterKey"/> is not exactly 32 bytes in UTF-8.</exception>
    public SessionFactoryBuilder WithStaticKeyManagementService(string masterKey)
    {
        StaticKeyManagementService.Validate(masterKey, nameof(masterKey));
        _staticMasterKey = masterKey;
        _kms = null;
        return this;
    }

    /// <summary>Logs through <paramref name="logger"/>.</summary>
    public SessionFactoryBuilder WithLogger(ILogger logger)
    {
        ArgumentNullException.ThrowIfNull(logger);
        _logger = logger;
        return this;
    }

    /// <summary>Logs through a logger named <c>Asherah</c> from <paramref name="loggerFactory"/>.</summary>
    public SessionFactoryBuilder WithLoggerFactory(ILoggerFactory loggerFactory)
    {
        ArgumentNullException.ThrowIfNull(loggerFactory);
        _logger = loggerFactory.CreateLogger("Asherah");
        return this;
    }

    /// <summary>Reads time from <paramref name="timeProvider"/> (tests pass a fake one to exercise expiry).</summary>
    public SessionFactoryBuilder WithTimeProvider(TimeProvider timeProvider)
    {
        ArgumentNullException.ThrowIfNull(timeProvider);
        _time = timeProvider;
        return this;
    }

    /// <summary>Creates the <c>Asherah</c> meter from <paramref name="meterFactory"/> (as DI does).</summary>
    public SessionFactoryBuilder WithMeterFactory(IMeterFactory meterFactory)
    {
        ArgumentNullException.ThrowIfNull(meterFactory);
        _meterFactory = meterFactory;
        return this;
    }

    /// <summary>Chooses the AES-256-GCM implementation. Default <see cref="AesGcmEngineKind.Auto"/>.</summary>
    public SessionFactoryBuilder WithAesGcmEngine(AesGcmEngineKind engine)
    {
        _ = AesGcmEngines.Select(engine);
        _engine = engine;
        return this;
    }

    /// <summary>
    /// Chooses how cached keys are held in secure memory: whether an unlocked fallback is allowed when the memlock limit
    /// is reached, strict (per-access) page protection, disabling core dumps. Default: locked memory required, no strict
    /// mode, core dumps left as they are.
    /// </summary>
    public SessionFactoryBuilder WithSecureMemory(SecureMemoryOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        _secureMemory = options;
        return this;
    }

    /// <summary>Builds the factory. Each call builds a new, independent factory.</summary>
    /// <exception cref="InvalidOperationException">A required part is missing.</exception>
    /// <exception cref="SecureMemoryException">Secure memory could not be set up (for example the memory-lock limit).</exception>
    public SessionFactory Build()
    {
        var metastore = _metastore ?? throw new InvalidOperationException("A metastore is required: call WithMetastore or WithInMemoryMetastore.");
        var policy = _policy ?? throw new InvalidOperationException("A crypto policy is required: call WithCryptoPolicy or WithNeverExpiredCryptoPolicy.");
        if (_kms is null && _staticMasterKey is null)
        {
            throw new InvalidOperationException("A key management service is required: call WithKeyManagementService or WithStaticKeyManagementService.");
        }

        // Parts the factory owns are made here, from the final settings, whatever order the With calls came in.
        var engine = AesGcmEngines.Select(_engine);
        var allocator = new KeyMaterialAllocator(SecureAllocators.Create(_secureMemory, _logger));
        var ownedKms = _staticMasterKey is null ? null : StaticKeyManagementService.Create(_staticMasterKey, engine, allocator);
        var context = new KeyContext(
            metastore,
            _kms ?? ownedKms!,
            policy,
            engine,
            allocator,
            _time,
            _logger ?? NullLogger.Instance,
            new AsherahMetrics(_meterFactory));
        return new SessionFactory(_productId, _serviceId, context, ownedKms);
    }
}
