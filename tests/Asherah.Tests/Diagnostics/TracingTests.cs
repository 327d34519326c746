using System.Collections.Concurrent;
using System.Diagnostics;

namespace Asherah.Tests.Diagnostics;

/// <summary>Spans of the "Asherah" activity source: metastore, KMS and key creation, never cache hits.</summary>
public sealed class TracingTests : IDisposable
{
    private static readonly ActivitySource TestSource = new("Asherah.Tests.Tracing");

    private readonly ConcurrentQueue<Activity> _stopped = new();
    private readonly ActivityListener _listener;

    public TracingTests()
    {
        _listener = new ActivityListener
        {
            ShouldListenTo = source => source.Name is AsherahTelemetry.ActivitySourceName or "Asherah.Tests.Tracing",
            Sample = (ref ActivityCreationOptions<ActivityContext> _) => ActivitySamplingResult.AllDataAndRecorded,
            ActivityStopped = _stopped.Enqueue,
        };
        ActivitySource.AddActivityListener(_listener);
    }

    public void Dispose() => _listener.Dispose();

    [Fact]
    public async Task FirstEncrypt_TracesKeyCreation_MetastoreAndKmsCalls()
    {
        using var factory = TestFactories.New();
        using var session = factory.GetSessionBytes("user-1234");

        var spans = await Traced(() => session.EncryptAsync([1, 2, 3]).AsTask());

        var names = spans.Select(s => s.OperationName).ToList();
        Assert.Contains("asherah.metastore.load_latest", names);
        Assert.Contains("asherah.metastore.store", names);
        Assert.Contains("asherah.kms.encrypt", names);
        Assert.Equal(2, names.Count(n => n == "asherah.key.create"));
        var systemCreate = Assert.Single(spans, s => s.OperationName == "asherah.key.create" && (string?)s.GetTagItem("asherah.key.tier") == "system");
        Assert.Equal("_SK_service_product", systemCreate.GetTagItem("asherah.key.id"));
        Assert.Equal(ActivityStatusCode.Ok, systemCreate.Status);
        var kms = Assert.Single(spans, s => s.OperationName == "asherah.kms.encrypt");
        Assert.Equal(systemCreate.SpanId, kms.ParentSpanId);
        Assert.Equal(ActivityKind.Client, kms.Kind);
        Assert.All(spans.Where(s => s.OperationName.StartsWith("asherah.metastore.", StringComparison.Ordinal)), s => Assert.Equal("InMemoryMetastore", s.GetTagItem("asherah.metastore.type")));
    }

    [Fact]
    public async Task IntermediateKeySpans_NeverCarryThePartitionId()
    {
        using var factory = TestFactories.New();
        using var session = factory.GetSessionBytes("user-1234");

        var spans = await Traced(() => session.EncryptAsync([1]).AsTask());

        var intermediate = spans.Where(s => (string?)s.GetTagItem("asherah.key.tier") == "intermediate").ToList();
        Assert.NotEmpty(intermediate);
        Assert.All(intermediate, s => Assert.Null(s.GetTagItem("asherah.key.id")));
        Assert.All(spans, s => Assert.All(s.TagObjects, t => Assert.DoesNotContain("user-1234", t.Value?.ToString() ?? string.Empty, StringComparison.Ordinal)));
    }

    [Fact]
    public async Task EncryptAndDecrypt_WithWarmCaches_MakeNoSpans()
    {
        using var factory = TestFactories.New();
        using var session = factory.GetSessionBytes("partition");
        byte[] record = session.Encrypt([1, 2, 3]);

        var spans = await Traced(async () =>
        {
            await session.EncryptAsync([4, 5, 6]);
            await session.DecryptAsync(record);
        });

        Assert.Empty(spans);
    }

    [Fact]
    public async Task FailedKmsCall_EndsItsSpanWithErrorStatus_AndTheExceptionType()
    {
        var metastore = new InMemoryMetastore();
        using (var writer = TestFactories.New(metastore))
        {
            writer.GetSessionBytes("p").Encrypt([1]);
        }

        using var reader = SessionFactory.NewBuilder("product", "service")
            .WithMetastore(metastore)
            .WithNeverExpiredCryptoPolicy()
            .WithStaticKeyManagementService("anotherStaticMasterKeyForTests!!")
            .Build();
        using var session = reader.GetSessionBytes("q");

        var spans = await Traced(() => Assert.ThrowsAsync<KmsException>(() => session.EncryptAsync([1]).AsTask()));

        var decrypt = Assert.Single(spans, s => s.OperationName == "asherah.kms.decrypt");
        Assert.Equal(ActivityStatusCode.Error, decrypt.Status);
        Assert.Equal(typeof(KmsException).FullName, decrypt.GetTagItem("error.type"));
        Assert.DoesNotContain(TestFactories.MasterKey, decrypt.StatusDescription ?? string.Empty);
        var creation = Assert.Single(spans, s => s.OperationName == "asherah.key.create");
        Assert.Equal("intermediate", creation.GetTagItem("asherah.key.tier"));
        Assert.Equal(ActivityStatusCode.Error, creation.Status);
    }

    [Fact]
    public async Task CancelledMetastoreCall_EndsItsSpanWithErrorStatus()
    {
        var gated = new GatedMetastore(new InMemoryMetastore(), _ => true);
        using var factory = TestFactories.New(gated);
        using var session = factory.GetSessionBytes("p");
        using var cancel = new CancellationTokenSource();

        var spans = await Traced(async () =>
        {
            var encrypt = session.EncryptAsync([1], cancel.Token).AsTask();
            await gated.Entered;
            cancel.Cancel();
            await Assert.ThrowsAnyAsync<OperationCanceledException>(() => encrypt);
        });

        var load = Assert.Single(spans, s => s.OperationName == "asherah.metastore.load_latest");
        Assert.Equal(ActivityStatusCode.Error, load.Status);
        Assert.Contains("Canceled", (string?)load.GetTagItem("error.type"), StringComparison.Ordinal);
    }

    /// <summary>Runs <paramref name="action"/> under a test root span and returns the Asherah spans under it.</summary>
    private async Task<List<Activity>> Traced(Func<Task> action)
    {
        string root;
        using (var parent = TestSource.StartActivity("test-root"))
        {
            Assert.NotNull(parent);
            root = parent.TraceId.ToString();
            await action();
        }

        return [.. _stopped.Where(a => a.Source.Name == AsherahTelemetry.ActivitySourceName && a.TraceId.ToString() == root)];
    }
}
