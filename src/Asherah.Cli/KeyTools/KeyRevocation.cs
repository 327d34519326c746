using System.Text.Json;
using Asherah.Cli.Commands;

namespace Asherah.Cli.KeyTools;

/// <summary>Revokes one stored key version and reports it, for <c>keys revoke</c> and <c>keys rotate</c>.</summary>
internal static class KeyRevocation
{
    /// <summary>What was revoked: the key, its creation time, whether it was revoked already.</summary>
    public sealed record Result(string KeyId, DateTimeOffset Created, bool WasRevoked);

    /// <summary>
    /// Revokes (<paramref name="keyId"/>, <paramref name="created"/>), or the newest version when <paramref name="created"/>
    /// is null; <see langword="null"/> when there is no such record.
    /// </summary>
    public static async Task<Result?> RevokeAsync(IMetastore metastore, IKeyRevoker revoker, string keyId, DateTimeOffset? created, CancellationToken cancellationToken)
    {
        var record = created is { } at
            ? await metastore.LoadAsync(keyId, at, cancellationToken)
            : await metastore.LoadLatestAsync(keyId, cancellationToken);
        if (record is null || (created is { } wanted && record.Created != wanted))
        {
            return null;
        }

        return await revoker.RevokeAsync(keyId, record.Created, cancellationToken)
            ? new Result(keyId, record.Created, record.IsRevoked)
            : null;
    }

    /// <summary>
    /// One sentence, or with <paramref name="json"/>
    /// <c>{"id": s, "created": iso8601, "createdUnix": n, "revoked": true, "alreadyRevoked": b}</c>.
    /// </summary>
    public static async Task ReportAsync(CliConsole console, bool json, Result result, CancellationToken cancellationToken, Action<Utf8JsonWriter>? extra = null)
    {
        if (json)
        {
            await KeyOutput.WriteJsonAsync(console, writer =>
            {
                writer.WriteStartObject();
                KeyState.WriteMeta(writer, new KeyMeta(result.KeyId, result.Created));
                writer.WriteBoolean("revoked", true);
                writer.WriteBoolean("alreadyRevoked", result.WasRevoked);
                extra?.Invoke(writer);
                writer.WriteEndObject();
            }, cancellationToken);
            return;
        }

        string what = result.WasRevoked ? "already revoked" : "revoked";
        await console.Out.WriteLineAsync($"{what}: {result.KeyId} created {KeyTime.Iso(result.Created)} ({result.Created.ToUnixTimeSeconds()})");
    }
}
