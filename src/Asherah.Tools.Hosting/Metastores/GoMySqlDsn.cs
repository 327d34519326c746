using System.Globalization;
using System.Text.RegularExpressions;
using MySqlConnector;

namespace Asherah.Tools.Hosting;

/// <summary>
/// Reads the canonical Go server's MySQL connection string (go-sql-driver's DSN, as its <c>rdbms</c> metastore takes in
/// <c>ASHERAH_CONNECTION_STRING</c>) into a MySqlConnector one, so the same environment works for both:
/// <code>
/// dsn    := [user[:password]@][net[(address)]]/dbname[?param=value(&amp;param=value)*]
/// net    := tcp | unix                      address := host[:port] | [ipv6][:port] | socket path
/// </code>
/// Of the parameters only <c>tls</c> has a MySqlConnector meaning (<c>true</c>: VerifyFull, <c>skip-verify</c>:
/// Required, <c>preferred</c>: Preferred, <c>false</c>: None); the Go driver's others (<c>parseTime</c>, <c>charset</c>,
/// …) are about Go types and are ignored. As in the Go driver, the password is taken literally up to the last <c>@</c>.
/// </summary>
public static partial class GoMySqlDsn
{
    /// <summary>
    /// The MySqlConnector connection string for <paramref name="dsn"/> when it is a Go DSN (it has the form above and no
    /// <c>;</c>), else <see langword="null"/>.
    /// </summary>
    /// <exception cref="ArgumentException">It is a Go DSN with a bad port or <c>tls</c> value (the DSN is not echoed).</exception>
    public static string? TryConvert(string dsn)
    {
        if (dsn.Contains(';', StringComparison.Ordinal) || Dsn().Match(dsn) is not { Success: true } match)
        {
            return null;
        }

        var builder = new MySqlConnectionStringBuilder();
        if (match.Groups["user"].Success && match.Groups["user"].Value.Length > 0)
        {
            builder.UserID = match.Groups["user"].Value;
        }

        if (match.Groups["password"].Success)
        {
            builder.Password = match.Groups["password"].Value;
        }

        var address = match.Groups["address"].Value;
        if (match.Groups["net"].Value == "unix")
        {
            builder.Server = address.Length > 0 ? address : "/tmp/mysql.sock";
            builder.ConnectionProtocol = MySqlConnectionProtocol.UnixSocket;
        }
        else
        {
            (builder.Server, builder.Port) = HostAndPort(address);
        }

        builder.Database = Uri.UnescapeDataString(match.Groups["database"].Value);
        foreach (var pair in match.Groups["parameters"].Value.Split('&', StringSplitOptions.RemoveEmptyEntries))
        {
            var (name, value) = pair.IndexOf('=', StringComparison.Ordinal) is var at and >= 0
                ? (pair[..at], Uri.UnescapeDataString(pair[(at + 1)..]))
                : (pair, string.Empty);
            if (name == "tls")
            {
                builder.SslMode = value.ToLowerInvariant() switch
                {
                    "true" => MySqlSslMode.VerifyFull,
                    "skip-verify" => MySqlSslMode.Required,
                    "preferred" => MySqlSslMode.Preferred,
                    "false" => MySqlSslMode.None,
                    _ => throw new ArgumentException("the Go DSN's tls parameter must be true, skip-verify, preferred or false."),
                };
            }
        }

        return builder.ConnectionString;
    }

    private static (string Host, uint Port) HostAndPort(string address)
    {
        if (address.Length == 0)
        {
            return ("127.0.0.1", 3306);
        }

        // [ipv6]:port, host:port, or a host alone.
        int colon = address.StartsWith('[') ? address.IndexOf("]:", StringComparison.Ordinal) + 1 : address.LastIndexOf(':');
        if (colon <= 0)
        {
            return (address.Trim('[', ']'), 3306);
        }

        return uint.TryParse(address[(colon + 1)..], NumberStyles.None, CultureInfo.InvariantCulture, out var port) && port is > 0 and <= 65535
            ? (address[..colon].Trim('[', ']'), port)
            : throw new ArgumentException("the Go DSN's port is not a number from 1 to 65535.");
    }

    [GeneratedRegex(@"^(?:(?<user>[^:@/]*)(?::(?<password>.*))?@)?(?:(?<net>tcp|unix)(?:\((?<address>[^)]*)\))?)?/(?<database>[^?/]*)(?:\?(?<parameters>.*))?$", RegexOptions.Singleline)]
    private static partial Regex Dsn();
}
