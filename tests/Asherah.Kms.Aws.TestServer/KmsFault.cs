namespace Asherah.Kms.Aws.TestServer;

/// <summary>What a region of the <see cref="KmsTestServer"/> does instead of answering.</summary>
public enum KmsFault
{
    /// <summary>Answers normally.</summary>
    None,

    /// <summary>HTTP 500 <c>KMSInternalException</c>.</summary>
    Fail,

    /// <summary>HTTP 400 <c>ThrottlingException</c>.</summary>
    Throttle,

    /// <summary>Never answers: holds the request until the client gives up (or the server stops).</summary>
    Hang,

    /// <summary>HTTP 400 <c>DisabledException</c>: the region's key is disabled.</summary>
    Disabled,
}
