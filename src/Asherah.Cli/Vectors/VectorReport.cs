namespace Asherah.Cli.Vectors;

/// <summary>The outcome of checking one vector file.</summary>
/// <param name="Passed">Cases that passed.</param>
/// <param name="Failures">One line per failed case.</param>
internal sealed record VectorReport(int Passed, IReadOnlyList<string> Failures)
{
    public int Failed => Failures.Count;
}
