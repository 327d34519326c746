using System.Data.Common;
using System.Net.Sockets;

namespace Asherah.Metastore.Sql.Tests;

/// <summary>How the MySQL dialect classifies errors (no server needed; the real ones are in MySqlMetastoreTests and Outage/).</summary>
public sealed class MySqlDialectTests
{
    private sealed class ServerException(int code, bool transient = false, Exception? inner = null) : DbException("test", inner)
    {
        public int Code { get; } = code;

        public override bool IsTransient => transient;

        public override System.Collections.IDictionary Data { get; } = new System.Collections.Hashtable { ["Server Error Code"] = code };
    }

    [Theory]
    [InlineData(1040)]
    [InlineData(1042)]
    [InlineData(1053)]
    [InlineData(1205)]
    [InlineData(1213)]
    [InlineData(1927)]
    [InlineData(2006)]
    [InlineData(2013)]
    public void BusyOrGoneServer_IsTransient(int code)
    {
        Assert.True(SqlDialect.MySql.IsTransient(new ServerException(code)));
        Assert.False(SqlDialect.MySql.IsDuplicateKey(new ServerException(code)));
    }

    [Fact]
    public void ConnectionBrokenMidReply_IsTransient_EvenWhenTheProviderSaysNot()
    {
        // MySqlConnector: error 0 "Failed to read the result set" over an EndOfStreamException (a server shutting down).
        Assert.True(SqlDialect.MySql.IsTransient(new ServerException(0, inner: new EndOfStreamException("incomplete response"))));
        Assert.True(SqlDialect.MySql.IsTransient(new ServerException(0, inner: new InvalidOperationException("x", new SocketException((int)SocketError.ConnectionReset)))));
    }

    [Theory]
    [InlineData(1062, true)]
    [InlineData(1022, true)]
    [InlineData(1146, false)] // no such table
    [InlineData(1064, false)] // syntax
    [InlineData(1045, false)] // access denied
    [InlineData(0, false)]
    public void OtherErrors_AreNotTransient(int code, bool duplicate)
    {
        Assert.False(SqlDialect.MySql.IsTransient(new ServerException(code, inner: new FormatException())));
        Assert.Equal(duplicate, SqlDialect.MySql.IsDuplicateKey(new ServerException(code)));
        Assert.True(SqlDialect.MySql.IsTransient(new ServerException(code, transient: true)));
    }
}
