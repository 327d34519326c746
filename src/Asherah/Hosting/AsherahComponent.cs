namespace Asherah;

/// <summary>A dependency of a <see cref="SessionFactory"/> that a health probe checks.</summary>
public enum AsherahComponent
{
    /// <summary>The metastore, where key records live.</summary>
    Metastore,

    /// <summary>The key management service, which protects system keys.</summary>
    KeyManagementService,
}
