using System.Diagnostics;

namespace Asherah.Diagnostics;

/// <summary>
/// The <c>asherah.key.create</c> span around creating and storing a key: <see cref="Complete"/> on success; disposed
/// without it (an exception left the block), the span ends with status <c>Error</c>.
/// </summary>
/// <remarks>
/// Holds only a reference, so a copy made by <c>using var</c> (a read-only local) sees the same span: the outcome is kept
/// on the <see cref="Activity"/> itself.
/// </remarks>
internal readonly struct KeyCreationActivity(Activity? activity) : IDisposable
{
    /// <summary>The key was stored (<paramref name="stored"/>), or another writer's key for the same time is used.</summary>
    public void Complete(bool stored)
    {
        if (activity is not null)
        {
            activity.SetTag("asherah.metastore.stored", stored);
            activity.SetStatus(ActivityStatusCode.Ok);
        }
    }

    public void Dispose()
    {
        if (activity is null)
        {
            return;
        }

        if (activity.Status == ActivityStatusCode.Unset)
        {
            activity.SetStatus(ActivityStatusCode.Error, "The key was not created.");
            activity.SetTag(AsherahActivitySource.ErrorTypeAttribute, "incomplete");
        }

        activity.Dispose();
    }
}
