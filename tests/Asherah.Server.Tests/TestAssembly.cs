namespace Asherah.Tests.Shared;

/// <summary>This assembly's name, for the discoverer of <see cref="MetastoreFactAttribute"/> (tests/Shared).</summary>
internal static class TestAssembly
{
    public const string Name = "Asherah.Server.Tests";
}
