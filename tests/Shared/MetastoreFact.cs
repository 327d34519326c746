using Xunit.Abstractions;
using Xunit.Sdk;

[assembly: TestFramework("Asherah.Tests.Shared.RequirementsTestFramework", Asherah.Tests.Shared.TestAssembly.Name)]

namespace Asherah.Tests.Shared;

// One mechanism for tests that need a server: a class carries a RequiresEnvironmentAttribute (or a subclass such as
// RequiresMySql); RequirementsTestFramework, registered for every assembly that links this file, applies it at discovery
// to every test of the class ([Fact], [Theory], [MetastoreFact], inherited contract tests included):
//   variable set          -> the tests run
//   variable unset        -> each test is skipped with a message saying how to start the server
//   variable unset, CI set -> each test fails with that message (a missing server never passes silently in CI)
// xunit 2 has no dynamic skip, and a contract's inherited facts cannot carry a per-class Skip, hence the framework.

/// <summary>
/// A fact of a metastore suite: a plain <see cref="FactAttribute"/>, kept as the contract's spelling. The class's
/// <see cref="RequiresEnvironmentAttribute"/> decides whether it runs, is skipped or fails.
/// </summary>
[AttributeUsage(AttributeTargets.Method, AllowMultiple = false)]
public sealed class MetastoreFactAttribute : FactAttribute
{
}

/// <summary>
/// Every test of the class needs a server whose connection string is in <see cref="Variable"/>: without it they are
/// skipped, or fail when <c>CI</c> is set.
/// </summary>
/// <param name="variable">The environment variable holding the connection string.</param>
/// <param name="howToSet">How to start the server and set the variable, for the skip or failure message.</param>
[AttributeUsage(AttributeTargets.Class, AllowMultiple = false, Inherited = true)]
public class RequiresEnvironmentAttribute(string variable, string howToSet) : Attribute
{
    public string Variable { get; } = variable;

    public string HowToSet { get; } = howToSet;

    /// <summary>Why the tests cannot run (the variable is unset), or <see langword="null"/> when they can.</summary>
    public string? MissingReason =>
        string.IsNullOrEmpty(Environment.GetEnvironmentVariable(Variable)) ? $"{Variable} is not set ({HowToSet})." : null;

    /// <summary>The variable's value; throws with <see cref="MissingReason"/> when it is unset.</summary>
    public string Value =>
        Environment.GetEnvironmentVariable(Variable) is { Length: > 0 } value
            ? value
            : throw new InvalidOperationException(MissingReason);

    /// <summary>Whether <c>CI</c> is set, so that a missing server fails instead of skipping.</summary>
    public static bool InCi => !string.IsNullOrEmpty(Environment.GetEnvironmentVariable("CI"));
}

/// <summary>The xunit framework that applies <see cref="RequiresEnvironmentAttribute"/> to every test of a class.</summary>
public sealed class RequirementsTestFramework(IMessageSink messageSink) : XunitTestFramework(messageSink)
{
    protected override ITestFrameworkDiscoverer CreateDiscoverer(IAssemblyInfo assemblyInfo) =>
        new Discoverer(assemblyInfo, SourceInformationProvider, DiagnosticMessageSink);

    private sealed class Discoverer(IAssemblyInfo assemblyInfo, ISourceInformationProvider sourceProvider, IMessageSink diagnosticMessageSink)
        : XunitTestFrameworkDiscoverer(assemblyInfo, sourceProvider, diagnosticMessageSink)
    {
        protected override bool FindTestsForMethod(ITestMethod testMethod, bool includeSourceInformation, IMessageBus messageBus, ITestFrameworkDiscoveryOptions discoveryOptions)
        {
            if (testMethod.Method.GetCustomAttributes(typeof(FactAttribute)).Any()
                && Requirement(testMethod.TestClass.Class)?.MissingReason is { } reason)
            {
                var display = discoveryOptions.MethodDisplayOrDefault();
                var displayOptions = discoveryOptions.MethodDisplayOptionsOrDefault();
                IXunitTestCase testCase = RequiresEnvironmentAttribute.InCi
                    ? new ExecutionErrorTestCase(DiagnosticMessageSink, display, displayOptions, testMethod, "CI is set, so this fails rather than skips: " + reason)
                    : new XunitSkippedDataRowTestCase(DiagnosticMessageSink, display, displayOptions, testMethod, reason + " Skipped outside CI.");
                return ReportDiscoveredTestCase(testCase, includeSourceInformation, messageBus);
            }

            return base.FindTestsForMethod(testMethod, includeSourceInformation, messageBus, discoveryOptions);
        }

        // Subclasses (RequiresMySql, RequiresPostgres) match too; discovery here is reflection-based, so the attribute
        // instance itself is at hand.
        private static RequiresEnvironmentAttribute? Requirement(ITypeInfo type) =>
            type.GetCustomAttributes(typeof(RequiresEnvironmentAttribute))
                .OfType<IReflectionAttributeInfo>()
                .Select(a => a.Attribute)
                .OfType<RequiresEnvironmentAttribute>()
                .FirstOrDefault();
    }
}
