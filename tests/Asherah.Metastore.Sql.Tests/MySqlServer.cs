using Asherah.Tests.Shared;

namespace Asherah.Metastore.Sql.Tests;

/// <summary>
/// The class's tests need the MySQL server of <c>scripts/mariadb.sh</c> (<see cref="MySqlServer.Variable"/>): without it
/// they are skipped, or fail when <c>CI</c> is set (<see cref="RequiresEnvironmentAttribute"/>).
/// </summary>
[AttributeUsage(AttributeTargets.Class, AllowMultiple = false, Inherited = true)]
public sealed class RequiresMySqlAttribute() : RequiresEnvironmentAttribute(MySqlServer.Variable, MySqlServer.HowToStart);

/// <summary>The configured MySQL/MariaDB test server.</summary>
public static class MySqlServer
{
    public const string Variable = "ASHERAH_TEST_MYSQL";

    public const string HowToStart = "start a server with `eval \"$(scripts/mariadb.sh start)\"`; scripts/test.sh does this";

    private static readonly RequiresMySqlAttribute Requirement = new();

    /// <summary>Why the MySQL tests are skipped, or null when they run (a server is configured, or this is CI).</summary>
    public static string? SkipReason => RequiresEnvironmentAttribute.InCi ? null : Requirement.MissingReason;

    /// <summary>The connection string; throws saying how to start a server when none is configured.</summary>
    public static string ConnectionString => Requirement.Value;
}
