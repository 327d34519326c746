using System.Diagnostics;

namespace Asherah.Cli.Tests;

/// <summary>
/// Runs the CLI as a separate process (<c>dotnet cli/Asherah.Cli.dll</c>, the CLI's own build output that the project
/// file copies beside the tests), with no <c>ASHERAH_*</c> variables but those given, so the test process and the CLI
/// share nothing but what is on disk or in a database.
/// </summary>
public static class CliProcess
{
    private static string CliAssembly => Path.Combine(AppContext.BaseDirectory, "cli", "Asherah.Cli.dll");

    public static async Task<CliResult> RunAsync(IReadOnlyDictionary<string, string?> environment, byte[] stdin, params string[] args)
    {
        using var process = Start(environment, args);
        var stdout = new MemoryStream();
        var copyOut = process.StandardOutput.BaseStream.CopyToAsync(stdout);
        var readErr = process.StandardError.ReadToEndAsync();
        await process.StandardInput.BaseStream.WriteAsync(stdin);
        process.StandardInput.Close();
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(120));
        try
        {
            await process.WaitForExitAsync(timeout.Token);
        }
        catch (OperationCanceledException)
        {
            process.Kill(entireProcessTree: true);
            throw new TimeoutException($"asherah {string.Join(' ', args)} did not finish in 120 s.");
        }

        await copyOut;
        return new CliResult(process.ExitCode, stdout.ToArray(), await readErr);
    }

    /// <summary>Starts the CLI with redirected streams; the caller writes or closes standard input and reads the outputs.</summary>
    public static Process Start(IReadOnlyDictionary<string, string?> environment, params string[] args)
    {
        string dotnet = Environment.GetEnvironmentVariable("DOTNET_HOST_PATH") is { Length: > 0 } host ? host : "dotnet";
        var start = new ProcessStartInfo(dotnet)
        {
            RedirectStandardInput = true,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        start.ArgumentList.Add(CliAssembly);
        foreach (var arg in args)
        {
            start.ArgumentList.Add(arg);
        }

        foreach (var name in start.Environment.Keys.Where(k => k.StartsWith("ASHERAH_", StringComparison.Ordinal)).ToList())
        {
            start.Environment.Remove(name);
        }

        foreach (var (name, value) in environment)
        {
            start.Environment[name] = value;
        }

        return Process.Start(start)!;
    }
}
