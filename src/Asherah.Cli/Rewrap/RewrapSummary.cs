using System.Globalization;
using System.Text;
using System.Text.Json;

namespace Asherah.Cli.Rewrap;

/// <summary>The counts and throughput at the end of a rewrap, as a sentence or JSON.</summary>
internal static class RewrapSummary
{
    /// <remarks>
    /// <code>
    /// summary := {"lines": n, "rewrapped": n, "alreadyCurrent": n, "failed": n, "blank": n, "resumed": b,
    ///             "linesThisRun": n, "seconds": x, "recordsPerSecond": x, "failures": [{"line": n, "reason": s}]}
    /// </code>
    /// Counts cover the whole job (runs before a resume included); <c>failures</c> lists this run's, at most
    /// <see cref="RewrapJob.MaxListedFailures"/>.
    /// </remarks>
    public static async Task WriteAsync(TextWriter writer, bool json, RewrapJob job, bool resumed)
    {
        var counts = job.Counts;
        double seconds = job.Elapsed.TotalSeconds;
        double rate = seconds > 0 ? job.LinesThisRun / seconds : 0;
        if (!json)
        {
            string resumedText = resumed ? " (resumed)" : string.Empty;
            await writer.WriteLineAsync(string.Create(CultureInfo.InvariantCulture,
                $"rewrap{resumedText}: {counts.Lines} lines: {counts.Rewrapped} rewrapped, {counts.AlreadyCurrent} already current, {counts.Failed} failed, {counts.Blank} blank; this run {job.LinesThisRun} lines in {seconds:F2} s ({rate:F0} records/s)"));
            return;
        }

        using var buffer = new MemoryStream();
        using (var json8 = new Utf8JsonWriter(buffer))
        {
            json8.WriteStartObject();
            json8.WriteNumber("lines", counts.Lines);
            json8.WriteNumber("rewrapped", counts.Rewrapped);
            json8.WriteNumber("alreadyCurrent", counts.AlreadyCurrent);
            json8.WriteNumber("failed", counts.Failed);
            json8.WriteNumber("blank", counts.Blank);
            json8.WriteBoolean("resumed", resumed);
            json8.WriteNumber("linesThisRun", job.LinesThisRun);
            json8.WriteNumber("seconds", Math.Round(seconds, 3));
            json8.WriteNumber("recordsPerSecond", Math.Round(rate, 1));
            json8.WriteStartArray("failures");
            foreach (var failure in job.Failures)
            {
                json8.WriteStartObject();
                json8.WriteNumber("line", failure.Line);
                json8.WriteString("reason", failure.Reason);
                json8.WriteEndObject();
            }

            json8.WriteEndArray();
            json8.WriteEndObject();
        }

        await writer.WriteLineAsync(Encoding.UTF8.GetString(buffer.ToArray()));
    }
}
