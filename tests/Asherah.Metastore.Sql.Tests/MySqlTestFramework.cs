using Xunit.Abstractions;
using Xunit.Sdk;

[assembly: TestFramework("Asherah.Metastore.Sql.Tests.MySqlTestFramework", "Asherah.Metastore.Sql.Tests")]

namespace Asherah.Metastore.Sql.Tests;

/// <summary>
/// Skips every test of a class marked <see cref="RequiresMySqlAttribute"/>, inherited contract tests included, when no
/// MySQL server is configured (<c>ASHERAH_TEST_MYSQL</c> unset) outside CI. In CI (<c>CI</c> set) they run and fail with
/// a message saying what is missing. xunit 2 has no dynamic skip, and the contract's <c>[Fact]</c>s cannot carry one.
/// </summary>
public sealed class MySqlTestFramework(IMessageSink messageSink) : XunitTestFramework(messageSink)
{
    protected override ITestFrameworkDiscoverer CreateDiscoverer(IAssemblyInfo assemblyInfo) =>
        new Discoverer(assemblyInfo, SourceInformationProvider, DiagnosticMessageSink);

    private sealed class Discoverer(IAssemblyInfo assemblyInfo, ISourceInformationProvider sourceProvider, IMessageSink diagnosticMessageSink)
        : XunitTestFrameworkDiscoverer(assemblyInfo, sourceProvider, diagnosticMessageSink)
    {
        protected override bool FindTestsForMethod(ITestMethod testMethod, bool includeSourceInformation, IMessageBus messageBus, ITestFrameworkDiscoveryOptions discoveryOptions)
        {
            if (MySqlServer.SkipReason is { } reason
                && testMethod.TestClass.Class.GetCustomAttributes(typeof(RequiresMySqlAttribute)).Any()
                && testMethod.Method.GetCustomAttributes(typeof(FactAttribute)).Any())
            {
                var testCase = new XunitSkippedDataRowTestCase(DiagnosticMessageSink, discoveryOptions.MethodDisplayOrDefault(),
                    discoveryOptions.MethodDisplayOptionsOrDefault(), testMethod, reason);
                return ReportDiscoveredTestCase(testCase, includeSourceInformation, messageBus);
            }

            return base.FindTestsForMethod(testMethod, includeSourceInformation, messageBus, discoveryOptions);
        }
    }
}

/// <summary>The class's tests need the MySQL server of <c>scripts/mariadb.sh</c>.</summary>
[AttributeUsage(AttributeTargets.Class)]
public sealed class RequiresMySqlAttribute : Attribute;

/// <summary>The configured test server.</summary>
public static class MySqlServer
{
    public const string Variable = "ASHERAH_TEST_MYSQL";

    private const string Missing =
        Variable + " is not set: start a server with `eval \"$(scripts/mariadb.sh start)\"` (scripts/test.sh does this)";

    /// <summary>Why the MySQL tests are skipped, or null when they run (a server is configured, or this is CI).</summary>
    public static string? SkipReason =>
        !string.IsNullOrEmpty(Environment.GetEnvironmentVariable(Variable)) || !string.IsNullOrEmpty(Environment.GetEnvironmentVariable("CI"))
            ? null
            : Missing + " (skipped outside CI)";

    /// <summary>The connection string; fails the test in CI when none is configured.</summary>
    public static string ConnectionString =>
        Environment.GetEnvironmentVariable(Variable) is { Length: > 0 } value
            ? value
            : throw new InvalidOperationException(Missing + "; CI is set, so the MySQL tests fail rather than skip.");
}
