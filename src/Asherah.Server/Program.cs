using Asherah;
using Asherah.Tools.Hosting;
using Asherah.Server;
using Asherah.Server.Configuration;
using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.Options;

// asherah-server: exit 0 after help or a graceful shutdown (SIGTERM, SIGINT), 2 on a configuration error, 1 when the
// server cannot start or fails.
var commandLine = new ServerCommandLine().Parse(args, Console.Out, Console.Error, out var exitCode);
if (commandLine is null)
{
    return exitCode;
}

WebApplication app;
try
{
    app = AsherahServer.Build(commandLine, Environment.GetEnvironmentVariable);
}
catch (Exception e) when (e is InvalidSettingException or OptionsValidationException or InvalidOperationException)
{
    Console.Error.WriteLine($"asherah-server: {e.Message}");
    return 2;
}
catch (SetupException e)
{
    Console.Error.WriteLine($"asherah-server: {e.Message}");
    return 1;
}

await using (app)
{
    try
    {
        await AsherahServer.StartAsync(app);
    }
    catch (Exception e) when (e is InvalidSettingException or OptionsValidationException)
    {
        Console.Error.WriteLine($"asherah-server: {e.Message}");
        return 2;
    }
    catch (Exception e) when (e is IOException or InvalidOperationException or AsherahException)
    {
        Console.Error.WriteLine($"asherah-server: cannot start: {e.Message}");
        return 1;
    }

    await app.WaitForShutdownAsync();
}

return 0;
