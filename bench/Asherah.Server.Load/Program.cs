using System.Diagnostics;
using System.Globalization;
using System.Net.Sockets;
using Asherah;
using Asherah.Metastore.Sql;
using Asherah.Server.Protocol;
using Google.Protobuf;
using Grpc.Core;
using Grpc.Net.Client;

// Bounded load on loopback (scripts/bench-server.sh): N concurrent workers for D seconds, each encrypting a payload and
// decrypting the record it got back, in a loop; per operation throughput and p50/p99 latency, and the number of errors.
//   server    workers are Session streams over the Unix socket SOCKET (one connection per 8 streams)
//   library   workers are tasks calling BytesSession.EncryptAsync/DecryptAsync in this process, over a SQLite file in
//             DIR and the static key: the in-process API the sidecar's overhead is measured against
// usage: Asherah.Server.Load server SOCKET | library DIR  [--streams 64] [--seconds 30] [--payload 64] [--partitions 64]
var mode = args[0];
var target = args[1];
int streams = Option("--streams", 64);
int seconds = Option("--seconds", 30);
int payloadSize = Option("--payload", 64);
int partitions = Option("--partitions", 64);

var payload = new byte[payloadSize];
Random.Shared.NextBytes(payload);
var encryptLatencies = new List<long>[streams];
var decryptLatencies = new List<long>[streams];
long errors = 0;
var stop = new CancellationTokenSource();

Func<int, Task> worker;
SessionFactory? factory = null;
var channels = new List<GrpcChannel>();
if (mode == "server")
{
    for (int c = 0; c < (streams + 7) / 8; c++)
    {
        channels.Add(Channel(target));
    }

    worker = async i =>
    {
        var client = new AppEncryption.AppEncryptionClient(channels[i / 8]);
        using var call = client.Session();
        await Send(call, new SessionRequest { GetSession = new GetSession { PartitionId = $"load-{i % partitions}" } });
        var data = ByteString.CopyFrom(payload);
        while (!stop.IsCancellationRequested)
        {
            long start = Stopwatch.GetTimestamp();
            var encrypted = await Send(call, new SessionRequest { Encrypt = new Encrypt { Data = data } });
            long middle = Stopwatch.GetTimestamp();
            var decrypted = await Send(call, new SessionRequest { Decrypt = new Decrypt { DataRowRecord = encrypted.EncryptResponse?.DataRowRecord ?? new Asherah.Server.Protocol.DataRowRecord() } });
            long end = Stopwatch.GetTimestamp();
            if (encrypted.ResponseCase != SessionResponse.ResponseOneofCase.EncryptResponse || decrypted.ResponseCase != SessionResponse.ResponseOneofCase.DecryptResponse || !decrypted.DecryptResponse.Data.Span.SequenceEqual(payload))
            {
                Interlocked.Increment(ref errors);
            }

            encryptLatencies[i].Add(middle - start);
            decryptLatencies[i].Add(end - middle);
        }

        await call.RequestStream.CompleteAsync();
        while (await call.ResponseStream.MoveNext(CancellationToken.None))
        {
        }

        if (call.GetStatus().StatusCode != StatusCode.OK)
        {
            Interlocked.Increment(ref errors);
        }
    };
}
else
{
    factory = SessionFactoryBuilder.FromOptions(
        new AsherahOptions
        {
            ProductId = "load", ServiceId = "load", Metastore = "sqlite", ConnectionString = Path.Combine(target, "library.db"),
            Kms = "static", StaticMasterKey = "thisIsAStaticMasterKeyForTesting",
        },
        new AsherahProviders().AddSqliteMetastore()).Build();
    worker = async i =>
    {
        await Task.Yield();
        using var session = factory.GetSessionBytes($"load-{i % partitions}");
        while (!stop.IsCancellationRequested)
        {
            long start = Stopwatch.GetTimestamp();
            var record = await session.EncryptAsync(payload.ToArray());
            long middle = Stopwatch.GetTimestamp();
            var decrypted = await session.DecryptAsync(record);
            long end = Stopwatch.GetTimestamp();
            if (!decrypted.AsSpan().SequenceEqual(payload))
            {
                Interlocked.Increment(ref errors);
            }

            encryptLatencies[i].Add(middle - start);
            decryptLatencies[i].Add(end - middle);
        }
    };
}

for (int i = 0; i < streams; i++)
{
    encryptLatencies[i] = new List<long>(1 << 16);
    decryptLatencies[i] = new List<long>(1 << 16);
}

// Warm-up (keys created and cached, connections open, JIT), not measured.
stop.CancelAfter(TimeSpan.FromSeconds(2));
await RunAll();
foreach (var list in encryptLatencies.Concat(decryptLatencies))
{
    list.Clear();
}

stop = new CancellationTokenSource(TimeSpan.FromSeconds(seconds));
var wall = Stopwatch.StartNew();
await RunAll();
wall.Stop();

Report("encrypt", encryptLatencies);
Report("decrypt", decryptLatencies);
Console.WriteLine($"{mode}\terrors\t{errors}");
factory?.Dispose();
foreach (var channel in channels)
{
    channel.Dispose();
}

return errors == 0 ? 0 : 1;

async Task RunAll()
{
    var tasks = Enumerable.Range(0, streams).Select(i => Task.Run(async () =>
    {
        try
        {
            await worker(i);
        }
        catch (Exception e) when (e is RpcException or IOException or AsherahException)
        {
            Interlocked.Increment(ref errors);
            Console.Error.WriteLine($"worker {i}: {e.Message}");
        }
    }));
    await Task.WhenAll(tasks);
}

void Report(string operation, List<long>[] latencies)
{
    var all = latencies.SelectMany(l => l).Order().ToArray();
    double Percentile(double p) => all.Length == 0 ? 0 : all[Math.Min(all.Length - 1, (int)(p * all.Length))] * 1_000_000.0 / Stopwatch.Frequency;
    Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
        $"{mode}\t{operation}\tops={all.Length}\tops_per_s={all.Length / wall.Elapsed.TotalSeconds:F0}\tp50_us={Percentile(0.50):F1}\tp99_us={Percentile(0.99):F1}"));
}

static async Task<SessionResponse> Send(AsyncDuplexStreamingCall<SessionRequest, SessionResponse> call, SessionRequest request)
{
    await call.RequestStream.WriteAsync(request);
    return await call.ResponseStream.MoveNext(CancellationToken.None)
        ? call.ResponseStream.Current
        : throw new IOException("the server ended the stream");
}

static GrpcChannel Channel(string socketPath) => GrpcChannel.ForAddress("http://localhost", new GrpcChannelOptions
{
    HttpHandler = new SocketsHttpHandler
    {
        EnableMultipleHttp2Connections = true,
        ConnectCallback = async (_, cancellationToken) =>
        {
            var socket = new Socket(AddressFamily.Unix, SocketType.Stream, ProtocolType.Unspecified);
            await socket.ConnectAsync(new UnixDomainSocketEndPoint(socketPath), cancellationToken);
            return new NetworkStream(socket, ownsSocket: true);
        },
    },
});

int Option(string name, int fallback)
{
    int at = Array.IndexOf(args, name);
    return at >= 0 && at + 1 < args.Length ? int.Parse(args[at + 1], CultureInfo.InvariantCulture) : fallback;
}
