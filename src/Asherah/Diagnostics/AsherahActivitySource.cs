using System.Diagnostics;

namespace Asherah.Diagnostics;

/// <summary>
/// The <see cref="ActivitySource"/> named <c>Asherah</c> and the span and attribute names it uses (see
/// <see cref="AsherahTelemetry"/>). Static, as activity sources are meant to be: with no listener,
/// <see cref="ActivitySource.StartActivity(string, ActivityKind)"/> returns <see langword="null"/> at the cost of one check.
/// </summary>
internal static class AsherahActivitySource
{
    public static readonly ActivitySource Source = new(AsherahTelemetry.ActivitySourceName, typeof(AsherahActivitySource).Assembly.GetName().Version?.ToString());

    public const string KeyCreate = "asherah.key.create";
    public const string TierAttribute = "asherah.key.tier";
    public const string KeyIdAttribute = "asherah.key.id";
    public const string ErrorTypeAttribute = "error.type";

    /// <summary>"system" for a system key id (<c>_SK_…</c>), "intermediate" for an intermediate key id (<c>_IK_…</c>).</summary>
    public static string TierOf(string keyId) =>
        keyId.StartsWith("_SK_", StringComparison.Ordinal) ? "system"
        : keyId.StartsWith("_IK_", StringComparison.Ordinal) ? "intermediate"
        : "unknown";

    /// <summary>
    /// Tags a span with the key's tier, and with its id when it is a system key: intermediate key ids contain partition
    /// ids (often user ids), which do not belong in traces.
    /// </summary>
    public static void TagKey(Activity activity, string tier, string keyId)
    {
        activity.SetTag(TierAttribute, tier);
        if (tier == "system")
        {
            activity.SetTag(KeyIdAttribute, keyId);
        }
    }

    /// <summary>Marks a span failed with the exception's type only (messages may quote key ids).</summary>
    public static void SetError(Activity activity, Exception exception)
    {
        string type = exception.GetType().FullName ?? exception.GetType().Name;
        activity.SetStatus(ActivityStatusCode.Error, type);
        activity.SetTag(ErrorTypeAttribute, type);
    }

    /// <summary>Starts an <c>asherah.key.create</c> span (when someone listens); see <see cref="KeyCreationActivity"/>.</summary>
    public static KeyCreationActivity StartKeyCreation(string tier, string keyId)
    {
        var activity = Source.StartActivity(KeyCreate, ActivityKind.Internal);
        if (activity is not null)
        {
            TagKey(activity, tier, keyId);
        }

        return new KeyCreationActivity(activity);
    }
}
