using Xunit.Abstractions;
using Xunit.Sdk;

namespace Asherah.Tests.Shared;

/// <summary>
/// A fact of a metastore suite. In a class marked <see cref="RequiresEnvironmentAttribute"/> whose variable is unset it
/// is skipped with a message, or fails with that message when <c>CI</c> is set, so a missing server never passes silently.
/// </summary>
[XunitTestCaseDiscoverer("Asherah.Tests.Shared.MetastoreFactDiscoverer", TestAssembly.Name)]
[AttributeUsage(AttributeTargets.Method, AllowMultiple = false)]
public sealed class MetastoreFactAttribute : FactAttribute
{
}

/// <summary>The test class needs a server whose connection string is in <see cref="Variable"/>.</summary>
[AttributeUsage(AttributeTargets.Class, AllowMultiple = false)]
public sealed class RequiresEnvironmentAttribute(string variable, string howToSet) : Attribute
{
    public string Variable { get; } = variable;

    public string HowToSet { get; } = howToSet;
}

/// <summary>Discovers <see cref="MetastoreFactAttribute"/> tests, applying <see cref="RequiresEnvironmentAttribute"/>.</summary>
public sealed class MetastoreFactDiscoverer(IMessageSink diagnosticMessageSink) : FactDiscoverer(diagnosticMessageSink)
{
    public override IEnumerable<IXunitTestCase> Discover(ITestFrameworkDiscoveryOptions discoveryOptions, ITestMethod testMethod, IAttributeInfo factAttribute)
    {
        var requirement = testMethod.TestClass.Class.GetCustomAttributes(typeof(RequiresEnvironmentAttribute).AssemblyQualifiedName).FirstOrDefault();
        if (requirement is not null)
        {
            var arguments = requirement.GetConstructorArguments().Cast<string>().ToArray();
            if (string.IsNullOrEmpty(Environment.GetEnvironmentVariable(arguments[0])))
            {
                string message = $"{arguments[0]} is not set ({arguments[1]}).";
                var display = discoveryOptions.MethodDisplayOrDefault();
                var displayOptions = discoveryOptions.MethodDisplayOptionsOrDefault();
                if (!string.IsNullOrEmpty(Environment.GetEnvironmentVariable("CI")))
                {
                    return [new ExecutionErrorTestCase(DiagnosticMessageSink, display, displayOptions, testMethod, "CI is set but " + message)];
                }

                return [new XunitSkippedDataRowTestCase(DiagnosticMessageSink, display, displayOptions, testMethod, "Skipped: " + message)];
            }
        }

        return base.Discover(discoveryOptions, testMethod, factAttribute);
    }
}
