using Asherah.Server.Protocol;
using Asherah.Server.Tests.Support;
using Grpc.Core;

namespace Asherah.Server.Tests.Stores;

/// <summary>
/// The sidecar on a real metastore and KMS, as deployed: <c>asherah-server</c> as its own process, configured only by
/// the canonical <c>ASHERAH_*</c> variables (and the AWS SDK's), driven by the .NET gRPC client over its Unix socket.
/// The library, over the same metastore and KMS, reads what the sidecar wrote and the other way round, and the
/// metastore holds exactly the keys both used. Each implementation brings its store; every store passes this suite.
/// </summary>
/// <remarks>
/// <code>
/// sidecar  encrypt(user-42)            -> library decrypts it        (the library loads the sidecar's IK and SK)
/// library  encrypt(user-42)            -> sidecar decrypts it        (same IK)
/// library  encrypt(library-first)      -> sidecar decrypts it        (an IK the sidecar never made)
/// store    _SK_svc_product, _IK_user-42_svc_product, _IK_library-first_svc_product: one row each
/// </code>
/// Each test runs under its own service name, so rows of other tests sharing the server never count.
/// </remarks>
public abstract class SidecarStoreContract : IAsyncLifetime
{
    protected const string Product = "sidecar-stores";
    private const string Partition = "user-42";
    private const string LibraryPartition = "library-first";

    private readonly string _directory = Directory.CreateTempSubdirectory("asherah-sidecar-store.").FullName;

    /// <summary>This test's service name: unique, so its key ids are its own.</summary>
    protected string Service { get; } = "svc-" + Guid.NewGuid().ToString("N")[..16];

    protected string SystemKeyId => $"_SK_{Service}_{Product}";

    protected string IntermediateKeyId(string partition) => $"_IK_{partition}_{Service}_{Product}";

    /// <summary>The variables that choose the store and KMS for the server process (canonical names only).</summary>
    protected abstract IReadOnlyDictionary<string, string?> ServerEnvironment();

    /// <summary>Command-line arguments after <c>--socket-file</c> (e.g. <c>--create-table</c>).</summary>
    protected virtual string[] ServerArguments => [];

    /// <summary>A factory of the library over the same metastore and KMS; the caller disposes it.</summary>
    protected abstract SessionFactory CreateLibraryFactory();

    /// <summary>The ids of the rows (items) this test's service wrote, one entry per row.</summary>
    protected abstract Task<IReadOnlyList<string>> StoredKeyIdsAsync();

    /// <summary>Store-specific checks after the round trips (the KMS envelope of the system key, ...).</summary>
    protected virtual Task AssertStoreAsync() => Task.CompletedTask;

    public virtual Task InitializeAsync() => Task.CompletedTask;

    public virtual Task DisposeAsync()
    {
        Directory.Delete(_directory, recursive: true);
        return Task.CompletedTask;
    }

    [Fact]
    public async Task RecordsCross_BetweenTheSidecarProcess_AndTheLibrary_OverTheSameStore()
    {
        var environment = new Dictionary<string, string?>(ServerEnvironment())
        {
            ["HOME"] = _directory,
            ["ASHERAH_DATA_DIR"] = _directory,
            ["ASHERAH_PRODUCT_NAME"] = Product,
            ["ASHERAH_SERVICE_NAME"] = Service,
        };
        var socket = Path.Combine(_directory, "app.sock");
        await using var server = await ServerProcess.StartAsync(socket, environment, ServerArguments);
        using var channel = InProcessServer.Channel(socket);
        var client = new AppEncryption.AppEncryptionClient(channel);
        await using var factory = CreateLibraryFactory();

        // The sidecar writes; the library reads.
        var fromSidecar = "written by the sidecar"u8.ToArray();
        Protocol.DataRowRecord sidecarRecord;
        using (var call = new SessionCall(client))
        {
            Assert.Equal(SessionResponse.ResponseOneofCase.None, (await call.GetSessionAsync(Partition)).ResponseCase);
            var encrypted = await call.EncryptAsync(fromSidecar);
            Assert.True(encrypted.ResponseCase == SessionResponse.ResponseOneofCase.EncryptResponse, Explain(encrypted, server));
            sidecarRecord = encrypted.EncryptResponse.DataRowRecord;
            Assert.Equal(IntermediateKeyId(Partition), sidecarRecord.Key.ParentKeyMeta.KeyId);

            using var session = factory.GetSessionBytes(Partition);
            Assert.Equal(fromSidecar, await session.DecryptAsync(ProtoRecords.FromProto(sidecarRecord, out _)!.ToUtf8Json()));

            // The library writes under the same partition; the sidecar reads on the same stream.
            var fromLibrary = "written by the library"u8.ToArray();
            var libraryRecord = Asherah.DataRowRecord.Parse(await session.EncryptAsync(fromLibrary));
            Assert.Equal(sidecarRecord.Key.ParentKeyMeta.Created, libraryRecord.IntermediateKey.Created.ToUnixTimeSeconds());
            var decrypted = await call.DecryptAsync(ProtoRecords.ToProto(libraryRecord));
            Assert.True(decrypted.ResponseCase == SessionResponse.ResponseOneofCase.DecryptResponse, Explain(decrypted, server));
            Assert.Equal(fromLibrary, decrypted.DecryptResponse.Data.ToByteArray());
            Assert.Equal(StatusCode.OK, (await call.CompleteAsync()).StatusCode);
        }

        // A partition whose intermediate key the library made: the sidecar loads it from the store.
        using (var call = new SessionCall(client))
        {
            byte[] record;
            using (var session = factory.GetSessionBytes(LibraryPartition))
            {
                record = await session.EncryptAsync("the library went first"u8.ToArray());
            }

            await call.GetSessionAsync(LibraryPartition);
            var decrypted = await call.DecryptAsync(ProtoRecords.ToProto(Asherah.DataRowRecord.Parse(record)));
            Assert.True(decrypted.ResponseCase == SessionResponse.ResponseOneofCase.DecryptResponse, Explain(decrypted, server));
            Assert.Equal("the library went first"u8.ToArray(), decrypted.DecryptResponse.Data.ToByteArray());
            Assert.Equal(StatusCode.OK, (await call.CompleteAsync()).StatusCode);
        }

        server.Terminate();
        Assert.True(await server.WaitForExitAsync() == 0, server.StandardError);

        // Exactly the keys both sides used, one row each: neither side made a key of its own for what the other wrote.
        Assert.Equal(
            new[] { IntermediateKeyId(LibraryPartition), IntermediateKeyId(Partition), SystemKeyId }.Order(StringComparer.Ordinal),
            (await StoredKeyIdsAsync()).Order(StringComparer.Ordinal));
        await AssertStoreAsync();
    }

    private static string Explain(SessionResponse response, ServerProcess server) =>
        $"the sidecar answered {response.ResponseCase}: {response.ErrorResponse?.Message}\n{server.StandardError}";
}
