using MySqlConnector;

namespace Asherah.Tools.Hosting.Tests.Metastores;

public sealed class GoMySqlDsnTests
{
    [Fact]
    public void TcpDsn_BecomesServerPortUserPasswordDatabase()
    {
        var builder = Convert("app:p@ss:w0rd@tcp(db.example:3307)/keys?parseTime=true&tls=skip-verify");

        Assert.Equal("db.example", builder.Server);
        Assert.Equal(3307u, builder.Port);
        Assert.Equal("app", builder.UserID);
        Assert.Equal("p@ss:w0rd", builder.Password); // up to the last '@', as the Go driver reads it
        Assert.Equal("keys", builder.Database);
        Assert.Equal(MySqlSslMode.Required, builder.SslMode);
    }

    [Fact]
    public void Ipv6HostAndDefaults()
    {
        var ipv6 = Convert("root@tcp([::1]:3306)/db");
        Assert.Equal("::1", ipv6.Server);
        Assert.Equal(3306u, ipv6.Port);
        Assert.Equal(string.Empty, ipv6.Password);

        var bare = Convert("/db%2Dname");
        Assert.Equal("127.0.0.1", bare.Server);
        Assert.Equal(3306u, bare.Port);
        Assert.Equal("db-name", bare.Database);
    }

    [Fact]
    public void UnixSocketDsn_UsesTheSocket()
    {
        var builder = Convert("app:pw@unix(/run/mysqld/mysqld.sock)/keys?tls=false");

        Assert.Equal("/run/mysqld/mysqld.sock", builder.Server);
        Assert.Equal(MySqlConnectionProtocol.UnixSocket, builder.ConnectionProtocol);
        Assert.Equal(MySqlSslMode.None, builder.SslMode);
    }

    [Theory]
    [InlineData("Server=db;User ID=app;Password=a/b@c;Database=keys")]
    [InlineData("Server=db")]
    [InlineData("Data Source=/var/lib/keys.db")]
    public void AConnectorConnectionString_IsLeftAlone(string connectionString) =>
        Assert.Null(GoMySqlDsn.TryConvert(connectionString));

    [Theory]
    [InlineData("app:Secret-pw@tcp(db:99999)/keys")]
    [InlineData("app:Secret-pw@tcp(db:3306)/keys?tls=maybe")]
    public void ABadPortOrTls_IsAnError_ThatDoesNotEchoThePassword(string dsn)
    {
        var e = Assert.Throws<ArgumentException>(() => GoMySqlDsn.TryConvert(dsn));

        Assert.DoesNotContain("Secret-pw", e.Message, StringComparison.Ordinal);
    }

    private static MySqlConnectionStringBuilder Convert(string dsn) =>
        new(GoMySqlDsn.TryConvert(dsn) ?? throw new InvalidOperationException("not read as a Go DSN"));
}
