using BenchmarkDotNet.Running;
using Asherah;

BenchmarkSwitcher.FromAssembly(typeof(Program).Assembly).Run(args);
