using System.Diagnostics;

namespace Asherah.Metastore.Sql.Tests.Outage;

/// <summary>
/// A database server of one test's own, run by <c>scripts/postgres.sh</c> or <c>scripts/mariadb.sh</c> in a temporary
/// directory, so stopping it leaves the shared test servers alone. <see cref="PauseAsync"/> stops it keeping its data;
/// <see cref="ResumeAsync"/> starts it again over that data on the same port; disposal stops it and removes the directory.
/// </summary>
public sealed class PrivateServer : IAsyncDisposable
{
    private static readonly TimeSpan ScriptLimit = TimeSpan.FromSeconds(40);

    private readonly string _script;
    private readonly string _stateVariable;
    private readonly string _stateDirectory;

    private PrivateServer(string script, string stateVariable, string stateDirectory, string connectionString)
    {
        _script = script;
        _stateVariable = stateVariable;
        _stateDirectory = stateDirectory;
        ConnectionString = connectionString;
    }

    public string ConnectionString { get; }

    /// <summary>A PostgreSQL server (<c>scripts/postgres.sh start</c> with its own <c>ASHERAH_PG_STATE</c>).</summary>
    public static async Task<PrivateServer> StartPostgresAsync()
    {
        string state = Directory.CreateTempSubdirectory("asherah-pg-outage-").FullName;
        string output = await RunAsync("postgres.sh", "ASHERAH_PG_STATE", state, "start");
        return new PrivateServer("postgres.sh", "ASHERAH_PG_STATE", state, output.Trim());
    }

    /// <summary>A MariaDB server (<c>scripts/mariadb.sh start</c> with its own <c>ASHERAH_MARIADB_DIR</c>).</summary>
    public static async Task<PrivateServer> StartMariaDbAsync()
    {
        // The script creates the directory itself (it must not exist yet).
        string dir = Path.Combine(Path.GetTempPath(), "asherah-maria-outage-" + Guid.NewGuid().ToString("N"));
        await RunAsync("mariadb.sh", "ASHERAH_MARIADB_DIR", dir, "start");
        return new PrivateServer("mariadb.sh", "ASHERAH_MARIADB_DIR", dir, File.ReadAllText(Path.Combine(dir, "connection-string")).Trim());
    }

    /// <summary>Stops the server; its data stays for <see cref="ResumeAsync"/>.</summary>
    public Task PauseAsync() => RunAsync(_script, _stateVariable, _stateDirectory, "pause");

    /// <summary>Starts the paused server again over its data, on the same port.</summary>
    public Task ResumeAsync() => RunAsync(_script, _stateVariable, _stateDirectory, "resume");

    public async ValueTask DisposeAsync() => await RunAsync(_script, _stateVariable, _stateDirectory, "stop");

    private static async Task<string> RunAsync(string script, string stateVariable, string stateDirectory, string mode)
    {
        var start = new ProcessStartInfo("bash")
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            WorkingDirectory = RepositoryRoot,
        };
        start.ArgumentList.Add(Path.Combine(RepositoryRoot, "scripts", script));
        start.ArgumentList.Add(mode);
        start.Environment[stateVariable] = stateDirectory;

        using var process = Process.Start(start) ?? throw new InvalidOperationException($"could not start scripts/{script}");
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        using var limit = new CancellationTokenSource(ScriptLimit);
        try
        {
            await process.WaitForExitAsync(limit.Token);
        }
        catch (OperationCanceledException)
        {
            process.Kill(entireProcessTree: true);
            throw new TimeoutException($"scripts/{script} {mode} did not finish within {ScriptLimit.TotalSeconds} s.");
        }

        if (process.ExitCode != 0)
        {
            throw new InvalidOperationException($"scripts/{script} {mode} exited with {process.ExitCode}: {await stderr}");
        }

        return await stdout;
    }

    /// <summary>The checkout: the first directory above the test binaries holding <c>Asherah.sln</c>.</summary>
    private static string RepositoryRoot
    {
        get
        {
            for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
            {
                if (File.Exists(Path.Combine(dir.FullName, "Asherah.sln")))
                {
                    return dir.FullName;
                }
            }

            throw new DirectoryNotFoundException($"No directory above {AppContext.BaseDirectory} holds Asherah.sln.");
        }
    }
}
