using Asherah.Cli;
using Asherah;

var environment = new Dictionary<string, string?>(StringComparer.Ordinal);
foreach (System.Collections.DictionaryEntry entry in Environment.GetEnvironmentVariables())
{
    environment[(string)entry.Key] = entry.Value as string;
}

await using var stdin = Console.OpenStandardInput();
await using var stdout = Console.OpenStandardOutput();
return await Cli.RunAsync(args, stdin, stdout, Console.Error, environment, errorIsTerminal: !Console.IsErrorRedirected);
