using Asherah.Tools.Hosting;
using Asherah.Server.Protocol;
using Asherah.Server.Tests.Support;
using Microsoft.Extensions.DependencyInjection;

namespace Asherah.Server.Tests.Configuration;

/// <summary>Where the server's settings come from: embedded defaults, canonical ASHERAH_* variables, the command line.</summary>
public sealed class ServerConfigurationTests : IDisposable
{
    private readonly DirectoryInfo _directory = Directory.CreateTempSubdirectory("asherah-server-config.");

    public void Dispose() => _directory.Delete(recursive: true);

    [Fact]
    public async Task EmbeddedDefaults_CreateTheSqliteFileAndDevelopmentKey_InTheDataDirectory()
    {
        var data = Path.Combine(_directory.FullName, "data");
        var socket = Path.Combine(_directory.FullName, "d.sock");
        var app = AsherahServer.Build(new Dictionary<string, string?> { ["AsherahServer:SocketFile"] = socket }, Variables(("ASHERAH_DATA_DIR", data)));
        await using (app)
        {
            await AsherahServer.StartAsync(app);
            var factory = app.Services.GetRequiredService<SessionFactory>();
            Assert.Equal("asherah-server", factory.ProductId);
            Assert.Equal("asherah-server", factory.ServiceId);
            using var channel = InProcessServer.Channel(socket);
            using var call = new SessionCall(new AppEncryption.AppEncryptionClient(channel));
            await call.GetSessionAsync("defaults");
            var record = (await call.EncryptAsync([1, 2, 3])).EncryptResponse.DataRowRecord;
            Assert.Equal(new byte[] { 1, 2, 3 }, (await call.DecryptAsync(record)).DecryptResponse.Data.ToByteArray());
            await call.CompleteAsync();
            await app.StopAsync();
        }

        Assert.Equal(32, new FileInfo(Path.Combine(data, "master.key")).Length);
        if (!OperatingSystem.IsWindows())
        {
            Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite, File.GetUnixFileMode(Path.Combine(data, "master.key")));
        }

        Assert.True(new FileInfo(Path.Combine(data, "metastore.db")).Length > 0);
    }

    [Fact]
    public async Task ProductionGuard_IsOffAsInCanonical_UntilTheVariableTurnsItOn()
    {
        // The test host's environment is Production (no ASPNETCORE_ENVIRONMENT or DOTNET_ENVIRONMENT): the embedded
        // defaults (static KMS over the development key) start, as the canonical server starts with its static KMS.
        Assert.Null(Environment.GetEnvironmentVariable("ASPNETCORE_ENVIRONMENT") ?? Environment.GetEnvironmentVariable("DOTNET_ENVIRONMENT"));
        var data = Path.Combine(_directory.FullName, "guard");
        var allowed = AsherahServer.Build(
            new Dictionary<string, string?> { ["AsherahServer:SocketFile"] = Path.Combine(_directory.FullName, "g1.sock") },
            Variables(("ASHERAH_DATA_DIR", data)));
        await using (allowed)
        {
            await AsherahServer.StartAsync(allowed);
            await allowed.StopAsync();
        }

        var guarded = AsherahServer.Build(
            new Dictionary<string, string?> { ["AsherahServer:SocketFile"] = Path.Combine(_directory.FullName, "g2.sock") },
            Variables(("ASHERAH_DATA_DIR", data), ("ASHERAH_ALLOW_DEVELOPMENT_COMPONENTS_IN_PRODUCTION", "false")));
        await using (guarded)
        {
            var e = await Assert.ThrowsAsync<Microsoft.Extensions.Options.OptionsValidationException>(() => AsherahServer.StartAsync(guarded));
            Assert.Contains("AllowDevelopmentComponentsInProduction", e.Message, StringComparison.Ordinal);
        }
    }

    [Fact]
    public async Task CanonicalVariables_AreRead_AndTheCommandLineWinsOverThem()
    {
        var socket = Path.Combine(_directory.FullName, "v.sock");
        var app = AsherahServer.Build(
            new Dictionary<string, string?> { ["AsherahServer:SocketFile"] = socket, ["Asherah:ServiceId"] = "from-command-line" },
            Variables(
                ("ASHERAH_SERVICE_NAME", "from-environment"),
                ("ASHERAH_PRODUCT_NAME", "product-from-environment"),
                ("ASHERAH_METASTORE_MODE", "memory"),
                ("ASHERAH_KMS_MODE", "static"),
                ("ASHERAH_STATIC_MASTER_KEY", InProcessServer.MasterKey),
                ("ASHERAH_EXPIRE_AFTER", "2160h"),
                ("ASHERAH_CHECK_INTERVAL", "30m")));
        await using (app)
        {
            await AsherahServer.StartAsync(app);
            var factory = app.Services.GetRequiredService<SessionFactory>();
            Assert.Equal("from-command-line", factory.ServiceId);
            Assert.Equal("product-from-environment", factory.ProductId);
            Assert.Equal("memory", app.Services.GetRequiredService<Microsoft.Extensions.Options.IOptions<AsherahOptions>>().Value.Metastore);
            Assert.Equal(TimeSpan.FromHours(2160), app.Services.GetRequiredService<Microsoft.Extensions.Options.IOptions<AsherahOptions>>().Value.ExpireAfter);
            await app.StopAsync();
        }

        Assert.False(Directory.Exists(Path.Combine(_directory.FullName, "data")), "no default files when a key and a metastore are given");
    }

    [Fact]
    public async Task UnknownMetastore_FailsAtStart_NamingTheSetting()
    {
        var app = AsherahServer.Build(
            new Dictionary<string, string?> { ["AsherahServer:SocketFile"] = Path.Combine(_directory.FullName, "u.sock"), ["Asherah:Metastore"] = "oracle", ["Asherah:StaticMasterKey"] = InProcessServer.MasterKey },
            Variables());
        await using (app)
        {
            var error = await Assert.ThrowsAsync<Microsoft.Extensions.Options.OptionsValidationException>(() => AsherahServer.StartAsync(app));
            Assert.Contains("oracle", error.Message, StringComparison.Ordinal);
        }
    }

    [Fact]
    public void MalformedDuration_IsRefusedWhenBuilding()
    {
        var error = Assert.Throws<Microsoft.Extensions.Options.OptionsValidationException>(() => AsherahServer.Build(
            new Dictionary<string, string?> { ["Asherah:ExpireAfter"] = "90 days", ["Asherah:StaticMasterKey"] = InProcessServer.MasterKey, ["Asherah:Metastore"] = "memory" },
            Variables()));
        Assert.Contains("ExpireAfter", error.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("AsherahServer:Listen", "somewhere")]
    [InlineData("AsherahServer:MaxMessageSize", "big")]
    [InlineData("AsherahServer:ShutdownGrace", "ten seconds")]
    public void MalformedServerSettings_AreUsageErrors(string key, string value)
    {
        var error = Assert.Throws<InvalidSettingException>(() => AsherahServer.Build(
            new Dictionary<string, string?> { [key] = value, ["Asherah:StaticMasterKey"] = InProcessServer.MasterKey, ["Asherah:Metastore"] = "memory" },
            Variables()));
        Assert.Contains(key, error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task StaleSocketFile_IsReplaced_AndALiveOneRefused()
    {
        var socket = Path.Combine(_directory.FullName, "stale.sock");
        // A socket file whose server died: bound, never unlinked (.NET's Socket unlinks on Dispose, python does not).
        using (var python = System.Diagnostics.Process.Start("python3", ["-c", "import socket, sys; socket.socket(socket.AF_UNIX).bind(sys.argv[1])", socket]))
        {
            await python.WaitForExitAsync();
            Assert.Equal(0, python.ExitCode);
        }

        Assert.True(File.Exists(socket));
        var settings = new Dictionary<string, string?> { ["AsherahServer:SocketFile"] = socket, ["Asherah:Metastore"] = "memory", ["Asherah:StaticMasterKey"] = InProcessServer.MasterKey };
        var first = AsherahServer.Build(settings, Variables());
        await using (first)
        {
            await AsherahServer.StartAsync(first);
            var second = AsherahServer.Build(settings, Variables());
            await using (second)
            {
                var error = await Assert.ThrowsAsync<InvalidSettingException>(() => AsherahServer.StartAsync(second));
                Assert.Contains("Another server is listening", error.Message, StringComparison.Ordinal);
            }

            await first.StopAsync();
        }

        var file = Path.Combine(_directory.FullName, "not-a-socket");
        await File.WriteAllTextAsync(file, "data");
        var third = AsherahServer.Build(new Dictionary<string, string?>(settings) { ["AsherahServer:SocketFile"] = file }, Variables());
        await using (third)
        {
            var error = await Assert.ThrowsAsync<InvalidSettingException>(() => AsherahServer.StartAsync(third));
            Assert.Contains("is not a socket", error.Message, StringComparison.Ordinal);
        }

        Assert.Equal("data", await File.ReadAllTextAsync(file));
    }

    private static Func<string, string?> Variables(params (string Name, string Value)[] variables)
    {
        var map = variables.ToDictionary(v => v.Name, v => v.Value);
        return name => map.GetValueOrDefault(name);
    }
}
