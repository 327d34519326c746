using System.Diagnostics;
using System.Text.Json.Nodes;
using Asherah.Server.Tests.Support;
using Asherah.Tests.Shared;

namespace Asherah.Server.Tests.Node;

/// <summary>
/// A real Node.js client (npm @grpc/grpc-js and @grpc/proto-loader, as canonical Asherah's Node sample) through the
/// server over its Unix socket: its records decrypt in the library, the library's through it, and errors come back as
/// <c>ErrorResponse</c>s while the stream goes on.
/// </summary>
[RequiresEnvironment("ASHERAH_TEST_GRPC_NODE", "eval \"$(scripts/grpc-node.sh install)\"; scripts/test.sh does it")]
public sealed class NodeClientTests : IAsyncLifetime
{
    private InProcessServer _server = null!;

    public async Task InitializeAsync() => _server = await InProcessServer.StartAsync();

    public async Task DisposeAsync() => await _server.DisposeAsync();

    [Fact]
    public async Task NodeClient_RoundTrips_CrossesRecordsWithTheLibrary_AndGetsErrorResponses()
    {
        var payloads = new[] { "hello from node"u8.ToArray(), Array.Empty<byte>(), RandomBytes(100_000) };
        using var factory = _server.CreateLibraryFactory();
        using var session = factory.GetSessionBytes("node-partition");
        var libraryPayloads = new[] { "from the library"u8.ToArray(), RandomBytes(3000) };
        var input = new JsonObject
        {
            ["partition"] = "node-partition",
            ["otherPartition"] = "someone-else",
            ["payloads"] = new JsonArray([.. payloads.Select(p => (JsonNode)Convert.ToBase64String(p))]),
            ["records"] = new JsonArray([.. libraryPayloads.Select(p => ToProtoJson(Asherah.DataRowRecord.Parse(session.Encrypt(p))))]),
        };

        var output = JsonNode.Parse(await RunNodeAsync(input.ToJsonString()))!;

        var records = output["records"]!.AsArray();
        Assert.Equal(payloads.Length, records.Count);
        for (int i = 0; i < payloads.Length; i++)
        {
            Assert.Equal(payloads[i], session.Decrypt(FromProtoJson(records[i]!).ToUtf8Json()));
            Assert.Equal(payloads[i], Convert.FromBase64String(output["roundTrip"]![i]!.GetValue<string>()));
        }

        for (int i = 0; i < libraryPayloads.Length; i++)
        {
            Assert.Equal(libraryPayloads[i], Convert.FromBase64String(output["decrypted"]![i]!.GetValue<string>()));
        }

        Assert.Equal("session not yet initialized", output["notInitialized"]!.GetValue<string>());
        Assert.Equal("session has already been initialized", output["alreadyInitialized"]!.GetValue<string>());
        Assert.NotEmpty(output["damaged"]!.GetValue<string>());
        Assert.NotEmpty(output["wrongPartition"]!.GetValue<string>());
        Assert.Equal("after errors"u8.ToArray(), Convert.FromBase64String(output["afterErrors"]!.GetValue<string>()));
        await _server.WaitForIdleAsync();
    }

    private async Task<string> RunNodeAsync(string input)
    {
        var start = new ProcessStartInfo("node")
        {
            RedirectStandardInput = true,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        start.ArgumentList.Add(Path.Combine(AppContext.BaseDirectory, "Node", "client.js"));
        start.ArgumentList.Add(_server.SocketPath);
        start.ArgumentList.Add(Path.Combine(AppContext.BaseDirectory, "Node", "appencryption.proto"));
        start.Environment["NODE_PATH"] = Environment.GetEnvironmentVariable("ASHERAH_TEST_GRPC_NODE");
        using var process = Process.Start(start)!;
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        await process.StandardInput.WriteAsync(input);
        process.StandardInput.Close();
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(120));
        await process.WaitForExitAsync(timeout.Token);
        Assert.True(process.ExitCode == 0, $"node client.js exited {process.ExitCode}: {await stderr}");
        return await stdout;
    }

    private static JsonNode ToProtoJson(Asherah.DataRowRecord record) => new JsonObject
    {
        ["key"] = new JsonObject
        {
            ["created"] = record.Key.Created.ToUnixTimeSeconds().ToString(System.Globalization.CultureInfo.InvariantCulture),
            ["key"] = Convert.ToBase64String(record.Key.EncryptedKey.Span),
            ["parent_key_meta"] = new JsonObject
            {
                ["created"] = record.IntermediateKey.Created.ToUnixTimeSeconds().ToString(System.Globalization.CultureInfo.InvariantCulture),
                ["key_id"] = record.IntermediateKey.KeyId,
            },
        },
        ["data"] = Convert.ToBase64String(record.Data.Span),
    };

    private static Asherah.DataRowRecord FromProtoJson(JsonNode node)
    {
        var key = node["key"]!;
        var parent = key["parent_key_meta"]!;
        var meta = new KeyMeta(parent["key_id"]!.GetValue<string>(), DateTimeOffset.FromUnixTimeSeconds(long.Parse(parent["created"]!.GetValue<string>(), System.Globalization.CultureInfo.InvariantCulture)));
        var envelope = new EnvelopeKeyRecord(
            DateTimeOffset.FromUnixTimeSeconds(long.Parse(key["created"]!.GetValue<string>(), System.Globalization.CultureInfo.InvariantCulture)),
            Convert.FromBase64String(key["key"]!.GetValue<string>()),
            meta,
            revoked: null);
        return new Asherah.DataRowRecord(envelope, Convert.FromBase64String(node["data"]!.GetValue<string>()));
    }

    private static byte[] RandomBytes(int length)
    {
        var bytes = new byte[length];
        Random.Shared.NextBytes(bytes);
        return bytes;
    }
}
