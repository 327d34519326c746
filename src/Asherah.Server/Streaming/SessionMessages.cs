namespace Asherah.Server.Streaming;

/// <summary>
/// The texts of the protocol's own <c>ErrorResponse</c>s, the canonical Go server's words, which clients may match.
/// </summary>
internal static class SessionMessages
{
    /// <summary>An encrypt or decrypt came before a successful <c>GetSession</c>.</summary>
    public const string NotInitialized = "session not yet initialized";

    /// <summary>A second <c>GetSession</c> on a stream whose session is open.</summary>
    public const string AlreadyInitialized = "session has already been initialized";

    /// <summary>A request with none of its oneof set (the canonical server has no answer for it).</summary>
    public const string EmptyRequest = "the request is empty: set get_session, encrypt or decrypt";

    /// <summary>
    /// The start of the status detail when a message cannot be parsed (status INTERNAL; grpc-go's words); the parser's
    /// reason follows.
    /// </summary>
    public const string Unparsable = "grpc: failed to unmarshal the received message: ";

    /// <summary>The stream was ended by a shutdown before the client closed it (status UNAVAILABLE).</summary>
    public const string ShuttingDown = "the server is shutting down; open a new session on another instance or after restart";
}
