namespace Asherah.Cli.Configuration;

/// <summary>Where the CLI keeps key records.</summary>
internal enum MetastoreKind
{
    /// <summary>A SQLite database file (the default; persists across invocations).</summary>
    Sqlite,

    /// <summary>Process memory (keys vanish when the command ends; for trying things out).</summary>
    Memory,
}
