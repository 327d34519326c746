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
    private IDisposable? _ownedKms;
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
        _ownedKms?.Dispose();
        _ownedKms = null;
        _kms = kms;
        return this;
    }

    /// <summary>
    /// Uses a <see cref="StaticKeyManagementService"/> over <paramref name="masterKey"/> (exactly 32 UTF-8 bytes), owned
    /// and disposed by the factory. Development and tests only.
    /// </summary>
    public SessionFactoryBuilder WithStaticKeyManagementService(string masterKey)
    {
        var kms = new StaticKeyManagementService(masterKey, _engine);
        WithKeyManagementService(kms);
        _ownedKms = kms;
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

    /// <summary>Builds the factory.</summary>
    /// <exception cref="InvalidOperationException">A required part is missing.</exception>
    public SessionFactory Build()
    {
        var metastore = _metastore ?? throw new InvalidOperationException("A metastore is required: call WithMetastore or WithInMemoryMetastore.");
        var policy = _policy ?? throw new InvalidOperationException("A crypto policy is required: call WithCryptoPolicy or WithNeverExpiredCryptoPolicy.");
        var kms = _kms ?? throw new InvalidOperationException("A key management service is required: call WithKeyManagementService or WithStaticKeyManagementService.");
        var owned = _ownedKms;
        _ownedKms = null;
        var context = new KeyContext(
            metastore,
            kms,
            policy,
            AesGcmEngines.Select(_engine),
            SecureAllocators.Create(_secureMemory, _logger),
            _time,
            _logger ?? NullLogger.Instance,
            new AsherahMetrics(_meterFactory));
        return new SessionFactory(_productId, _serviceId, context, owned);
    }
}
