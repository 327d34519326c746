using Asherah.Benchmarks.Instructions;

namespace Asherah.Benchmarks.Tests.Instructions;

/// <summary>
/// The <c>hotpath</c> command's options. (Its run is exercised by <c>scripts/count-instructions.sh</c>: its warm-up
/// waits for the whole process's JIT to go quiet, which a test host running other tests in parallel may not.)
/// </summary>
public sealed class HotPathCommandTests
{
    [Theory]
    [InlineData("--pairs", "-1")]
    [InlineData("--pairs", "many")]
    [InlineData("--policy", "fifo")]
    [InlineData("--policy")]
    [InlineData("--bogus")]
    public void Run_WithABadOption_ReturnsUsageError(params string[] args) => Assert.Equal(2, HotPathCommand.Run(args));
}
