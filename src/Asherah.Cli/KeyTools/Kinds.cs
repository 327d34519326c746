namespace Asherah.Cli.KeyTools;

/// <summary>The tier of a key id, by its canonical prefix.</summary>
internal static class Kinds
{
    public const string SystemPrefix = "_SK_";
    public const string IntermediatePrefix = "_IK_";

    public static string Of(string keyId) =>
        keyId.StartsWith(SystemPrefix, StringComparison.Ordinal) ? "system"
        : keyId.StartsWith(IntermediatePrefix, StringComparison.Ordinal) ? "intermediate"
        : "unknown";
}
