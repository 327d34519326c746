using System.Diagnostics.Metrics;
using Asherah.Crypto;
using Asherah.Diagnostics;
using Asherah.Instrumentation;
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
    private Func<IMetastore>? _ownedMetastore;
    private Func<AesGcmEngine, KeyMaterialAllocator, IKeyManagementService>? _ownedKms;
    private ILogger? _logger;
    private TimeProvider _time = TimeProvider.System;
    private IMemoryPressureSource? _memoryPressureSource;
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

    /// <summary>
    /// Starts building a factory from <paramref name="options"/> (as <c>AddAsherah</c> does): ids, policy, engine and
    /// secure memory, and the metastore and key management service the options name among <paramref name="providers"/>.
    /// </summary>
    /// <remarks>
    /// The named parts are created by <see cref="Build"/>, and the factory owns them (disposes them with itself); a
    /// <see cref="WithMetastore"/> or <see cref="WithKeyManagementService"/> call wins over the name. Providers get no
    /// services on this path. Default <paramref name="providers"/>: the built-in <c>memory</c> and <c>static</c>.
    /// </remarks>
    /// <exception cref="Microsoft.Extensions.Options.OptionsValidationException">
    /// The options are not valid: missing ids, a name that is not registered, a static master key that is not 32 bytes,
    /// a missing key file, a value that could not be parsed. (A missing name is reported by <see cref="Build"/>.)
    /// </exception>
    public static SessionFactoryBuilder FromOptions(AsherahOptions options, AsherahProviders? providers = null) =>
        Hosting.AsherahComposition.FromOptions(options, providers ?? new AsherahProviders());

    /// <summary>Uses <paramref name="metastore"/> for system and intermediate key records.</summary>
    public SessionFactoryBuilder WithMetastore(IMetastore metastore)
    {
        ArgumentNullException.ThrowIfNull(metastore);
        _metastore = metastore;
        _ownedMetastore = null;
        return this;
    }

    /// <summary>Uses the metastore <paramref name="create"/> makes in <see cref="Build"/>; the factory disposes it.</summary>
    internal SessionFactoryBuilder WithOwnedMetastore(Func<IMetastore> create)
    {
        _ownedMetastore = create;
        _metastore = null;
        return this;
    }

    /// <summary>Uses the KMS <paramref name="create"/> makes in <see cref="Build"/> on the factory's engine and secure memory; the factory disposes it.</summary>
    internal SessionFactoryBuilder WithOwnedKeyManagementService(Func<AesGcmEngine, KeyMaterialAllocator, IKeyManagementService> create)
    {
        _ownedKms = create;
        _kms = null;
        _staticMasterKey = null;
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
        _ownedKms = null;
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
        _ownedKms = null;
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

    /// <summary>Reads memory figures for <see cref="MemoryPressureOptions"/> from <paramref name="source"/> instead of the process (for tests).</summary>
    internal SessionFactoryBuilder WithMemoryPressureSource(IMemoryPressureSource source)
    {
        _memoryPressureSource = source;
        return this;
    }

    /// <summary>Builds the factory. Each call builds a new, independent factory.</summary>
    /// <exception cref="InvalidOperationException">A required part is missing.</exception>
    /// <exception cref="SecureMemoryException">Secure memory could not be set up (for example the memory-lock limit).</exception>
    public SessionFactory Build()
    {
        if (_metastore is null && _ownedMetastore is null)
        {
            throw new InvalidOperationException("A metastore is required: call WithMetastore or WithInMemoryMetastore.");
        }

        var policy = _policy ?? throw new InvalidOperationException("A crypto policy is required: call WithCryptoPolicy or WithNeverExpiredCryptoPolicy.");
        if (_kms is null && _staticMasterKey is null && _ownedKms is null)
        {
            throw new InvalidOperationException("A key management service is required: call WithKeyManagementService or WithStaticKeyManagementService.");
        }

        // Parts the factory owns are made here, from the final settings, whatever order the With calls came in.
        var engine = AesGcmEngines.Select(_engine);
        var logger = _logger ?? NullLogger.Instance;
        var pressure = policy.MemoryPressure.Enabled
            ? new MemoryPressureMonitor(policy.MemoryPressure.Clone(), _memoryPressureSource ?? ProcessMemoryPressureSource.Instance, _time, logger)
            : null;
        SecureAllocator secure = SecureAllocators.Create(_secureMemory, _logger);
        var allocator = new KeyMaterialAllocator(pressure is null ? secure : new PressureRelievingAllocator(secure, pressure));
        var owned = new OwnedParts();
        try
        {
            var metastore = _metastore ?? owned.Add(_ownedMetastore!());
            var kms = _kms
                ?? owned.Add(_staticMasterKey is null ? _ownedKms!(engine, allocator) : StaticKeyManagementService.Create(_staticMasterKey, engine, allocator));
            // Metastore and KMS calls are traced and timed by decorators (Instrumentation/); cache hits never reach them.
            var metrics = new AsherahMetrics(_meterFactory);
            var dependencyMetrics = new DependencyMetrics(metrics.Meter);
            var context = new KeyContext(
                Instrumented.Wrap(metastore, dependencyMetrics),
                Instrumented.Wrap(kms, dependencyMetrics),
                policy,
                engine,
                allocator,
                _time,
                logger,
                metrics)
            {
                MemoryPressure = pressure,
            };
            return new SessionFactory(_productId, _serviceId, context, owned);
        }
        catch
        {
            pressure?.Dispose();
            owned.Dispose();
            throw;
        }
    }

    /// <summary>What the factory made for itself, disposed with it, last made first.</summary>
    private sealed class OwnedParts : IDisposable
    {
        private readonly List<object> _parts = [];

        public T Add<T>(T part)
            where T : class
        {
            _parts.Add(part ?? throw new InvalidOperationException("A provider returned null."));
            return part;
        }

        public void Dispose()
        {
            for (int i = _parts.Count - 1; i >= 0; i--)
            {
                switch (_parts[i])
                {
                    case IDisposable disposable:
                        disposable.Dispose();
                        break;
                    case IAsyncDisposable asyncDisposable:
                        asyncDisposable.DisposeAsync().AsTask().GetAwaiter().GetResult();
                        break;
                }
            }

            _parts.Clear();
        }
    }
}
