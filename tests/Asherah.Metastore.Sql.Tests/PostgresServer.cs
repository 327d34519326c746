using Asherah.Tests.Shared;

namespace Asherah.Metastore.Sql.Tests;

/// <summary>
/// The class's tests need the PostgreSQL server of <c>scripts/postgres.sh</c> (<see cref="PostgresServer.Variable"/>):
/// without it they are skipped, or fail when <c>CI</c> is set (<see cref="RequiresEnvironmentAttribute"/>).
/// </summary>
[AttributeUsage(AttributeTargets.Class, AllowMultiple = false, Inherited = true)]
public sealed class RequiresPostgresAttribute() : RequiresEnvironmentAttribute(PostgresServer.Variable, PostgresServer.HowToStart);

/// <summary>The configured PostgreSQL test server.</summary>
public static class PostgresServer
{
    public const string Variable = "ASHERAH_TEST_POSTGRES";

    public const string HowToStart = "run scripts/postgres.sh start, then eval \"$(scripts/postgres.sh env)\"; scripts/test.sh does both";

    private static readonly RequiresPostgresAttribute Requirement = new();

    /// <summary>The connection string; throws saying how to start a server when none is configured.</summary>
    public static string ConnectionString => Requirement.Value;
}
