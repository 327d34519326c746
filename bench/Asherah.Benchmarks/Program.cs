using Asherah.Benchmarks.Caching.HitRates;
using Asherah.Benchmarks.Caching.Memory;
using Asherah.Benchmarks.Caching.Throughput;
using Asherah.Benchmarks.Instructions;
using BenchmarkDotNet.Running;

// Console measurements that are not BenchmarkDotNet timings (scripts/bench-caches.sh); everything else goes to the
// BenchmarkDotNet switcher (--filter, --list, ...).
return args switch
{
    [HitRateCommand.Name, .. var rest] => HitRateCommand.Run(rest),
    [CacheMemoryCommand.Name, .. var rest] => CacheMemoryCommand.Run(rest),
    [CacheScalingCommand.Name, .. var rest] => CacheScalingCommand.Run(rest),
    [HotPathCommand.Name, .. var rest] => HotPathCommand.Run(rest),
    _ => Run(args),
};

static int Run(string[] args)
{
    BenchmarkSwitcher.FromAssembly(typeof(Program).Assembly).Run(args);
    return 0;
}
