using System.Text.Json;

namespace Asherah.Cli.Tests.Commands;

public class BenchTests
{
    [Fact]
    public async Task Bench_PrintsEveryFigureAsJson()
    {
        using var run = new CliRun();

        var result = await run.RunAsync("bench", "--milliseconds", "20");

        Assert.True(result.ExitCode == 0, result.Stderr);
        using var json = JsonDocument.Parse(result.Stdout);
        Assert.Contains(json.RootElement.GetProperty("engine").GetString(), new[] { "intrinsics", "platform" });
        foreach (string op in new[] { "encrypt", "decrypt" })
        {
            foreach (int size in new[] { 64, 1024, 8192 })
            {
                Assert.True(json.RootElement.GetProperty($"{op}_{size}_ns").GetDouble() > 0);
            }
        }
    }

    [Fact]
    public async Task Bench_WithThePlatformEngine_SaysSo()
    {
        using var run = new CliRun();

        var result = await run.RunAsync("bench", "--milliseconds", "10", "--engine", "Platform");

        Assert.True(result.ExitCode == 0, result.Stderr);
        Assert.Equal("platform", JsonDocument.Parse(result.Stdout).RootElement.GetProperty("engine").GetString());
    }
}
