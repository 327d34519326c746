using Asherah.Diagnostics;

namespace Asherah.Instrumentation;

/// <summary>Wraps a factory's metastore and KMS in their instrumented decorators, and unwraps them (for tests and probes).</summary>
internal static class Instrumented
{
    public static IMetastore Wrap(IMetastore metastore, DependencyMetrics metrics) =>
        metastore is InstrumentedMetastore ? metastore : new InstrumentedMetastore(metastore, metrics);

    public static IKeyManagementService Wrap(IKeyManagementService kms, DependencyMetrics metrics) =>
        kms is InstrumentedKeyManagementService ? kms : new InstrumentedKeyManagementService(kms, metrics);

    /// <summary>The metastore the application gave (or a provider made), without the decorator.</summary>
    public static IMetastore Unwrap(this IMetastore metastore) =>
        metastore is InstrumentedMetastore instrumented ? instrumented.Inner : metastore;

    /// <summary>The key management service the application gave (or a provider made), without the decorator.</summary>
    public static IKeyManagementService Unwrap(this IKeyManagementService kms) =>
        kms is InstrumentedKeyManagementService instrumented ? instrumented.Inner : kms;
}
