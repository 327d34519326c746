using Microsoft.Extensions.Options;
using static Asherah.Tests.Hosting.HostingTestSupport;

namespace Asherah.Tests.Caching;

/// <summary>The memory-pressure settings: defaults, range checks, configuration keys and <c>ASHERAH_*</c> variables.</summary>
public sealed class MemoryPressureOptionsTests
{
    [Fact]
    public void Defaults_AreOff_TenSeconds_OneMinute_NinetyPercent_AndAFloorOfOneHundred()
    {
        var options = new MemoryPressureOptions();

        Assert.False(options.Enabled);
        Assert.Equal(TimeSpan.FromSeconds(10), options.CheckInterval);
        Assert.Equal(TimeSpan.FromMinutes(1), options.RecoveryDelay);
        Assert.Equal(0.9, options.MemoryLoadThreshold);
        Assert.Equal(0.9, options.LockedMemoryThreshold);
        Assert.Equal(100, options.MinimumCacheSize);
    }

    [Fact]
    public void OutOfRangeValues_AreRefused()
    {
        var options = new MemoryPressureOptions();

        Assert.Throws<ArgumentOutOfRangeException>(() => options.CheckInterval = TimeSpan.Zero);
        Assert.Throws<ArgumentOutOfRangeException>(() => options.RecoveryDelay = TimeSpan.FromSeconds(-1));
        Assert.Throws<ArgumentOutOfRangeException>(() => options.MemoryLoadThreshold = 0);
        Assert.Throws<ArgumentOutOfRangeException>(() => options.MemoryLoadThreshold = 1.01);
        Assert.Throws<ArgumentOutOfRangeException>(() => options.LockedMemoryThreshold = double.NaN);
        Assert.Throws<ArgumentOutOfRangeException>(() => options.MinimumCacheSize = 0);
        Assert.Throws<ArgumentNullException>(() => new NeverExpiredCryptoPolicy().MemoryPressure = null!);
        options.RecoveryDelay = TimeSpan.Zero;
        options.LockedMemoryThreshold = 1;
        Assert.Equal(1, options.LockedMemoryThreshold);
    }

    [Fact]
    public void Configuration_SetsEverySetting_AndThePolicyGetsACopy()
    {
        var options = AsherahOptions.FromConfiguration(Configuration(
            ("Asherah:MemoryPressure:Enabled", "true"),
            ("Asherah:MemoryPressure:CheckInterval", "30s"),
            ("Asherah:MemoryPressure:RecoveryDelay", "5m"),
            ("Asherah:MemoryPressure:MemoryLoadThreshold", "0.8"),
            ("Asherah:MemoryPressure:LockedMemoryThreshold", "0.75"),
            ("Asherah:MemoryPressure:MinimumCacheSize", "250")));

        var pressure = options.MemoryPressure;
        Assert.True(pressure.Enabled);
        Assert.Equal(TimeSpan.FromSeconds(30), pressure.CheckInterval);
        Assert.Equal(TimeSpan.FromMinutes(5), pressure.RecoveryDelay);
        Assert.Equal(0.8, pressure.MemoryLoadThreshold);
        Assert.Equal(0.75, pressure.LockedMemoryThreshold);
        Assert.Equal(250, pressure.MinimumCacheSize);

        var resolved = options.ResolvePolicy().MemoryPressure;
        Assert.NotSame(pressure, resolved);
        Assert.True(resolved.Enabled);
        Assert.Equal(250, resolved.MinimumCacheSize);
        Assert.Equal(0.75, resolved.LockedMemoryThreshold);
    }

    [Fact]
    public void EnvironmentVariables_SetTheSameKeys()
    {
        var options = AsherahOptions.FromConfiguration(Variables(
            ("ASHERAH_MEMORY_PRESSURE_ENABLED", "1"),
            ("ASHERAH_MEMORY_PRESSURE_CHECK_INTERVAL", "2s"),
            ("ASHERAH_MEMORY_PRESSURE_RECOVERY_DELAY", "0"),
            ("ASHERAH_MEMORY_PRESSURE_MEMORY_LOAD_THRESHOLD", "0.5"),
            ("ASHERAH_MEMORY_PRESSURE_LOCKED_MEMORY_THRESHOLD", "1"),
            ("ASHERAH_MEMORY_PRESSURE_MINIMUM_CACHE_SIZE", "3")));

        var pressure = options.MemoryPressure;
        Assert.True(pressure.Enabled);
        Assert.Equal(TimeSpan.FromSeconds(2), pressure.CheckInterval);
        Assert.Equal(TimeSpan.Zero, pressure.RecoveryDelay);
        Assert.Equal(0.5, pressure.MemoryLoadThreshold);
        Assert.Equal(1, pressure.LockedMemoryThreshold);
        Assert.Equal(3, pressure.MinimumCacheSize);
    }

    [Theory]
    [InlineData("Enabled", "sometimes", "ASHERAH_MEMORY_PRESSURE_ENABLED", "not true or false")]
    [InlineData("CheckInterval", "0", "ASHERAH_MEMORY_PRESSURE_CHECK_INTERVAL", "out of range: it must be positive")]
    [InlineData("RecoveryDelay", "soon", "ASHERAH_MEMORY_PRESSURE_RECOVERY_DELAY", "not a Go duration")]
    [InlineData("MemoryLoadThreshold", "90%", "ASHERAH_MEMORY_PRESSURE_MEMORY_LOAD_THRESHOLD", "not a fraction above 0 and at most 1")]
    [InlineData("MemoryLoadThreshold", "1.5", "ASHERAH_MEMORY_PRESSURE_MEMORY_LOAD_THRESHOLD", "out of range: it must be a fraction above 0 and at most 1")]
    [InlineData("LockedMemoryThreshold", "0", "ASHERAH_MEMORY_PRESSURE_LOCKED_MEMORY_THRESHOLD", "out of range")]
    [InlineData("LockedMemoryThreshold", "NaN", "ASHERAH_MEMORY_PRESSURE_LOCKED_MEMORY_THRESHOLD", "not a fraction")]
    [InlineData("MinimumCacheSize", "0", "ASHERAH_MEMORY_PRESSURE_MINIMUM_CACHE_SIZE", "out of range: it must be positive")]
    public void BadValues_FailWithTheKeyTheVariableAndTheExpectedForm(string key, string value, string variable, string says)
    {
        var e = Assert.Throws<OptionsValidationException>(() =>
            AsherahOptions.FromConfiguration(Configuration(("Asherah:MemoryPressure:" + key, value))));

        var failure = Assert.Single(e.Failures);
        Assert.Contains("Asherah:MemoryPressure:" + key, failure, StringComparison.Ordinal);
        Assert.Contains(variable, failure, StringComparison.Ordinal);
        Assert.Contains(says, failure, StringComparison.Ordinal);
    }

    [Fact]
    public void FromOptions_BuildsAFactoryWithAMonitor_WatchingTheSharedKeyAndSessionCaches()
    {
        var options = AsherahOptions.FromConfiguration(Configuration(Minimal(
            ("Asherah:SharedIntermediateKeyCache", "true"),
            ("Asherah:IntermediateKeyCacheEvictionPolicy", "lru"),
            ("Asherah:EnableSessionCaching", "true"),
            ("Asherah:MemoryPressure:Enabled", "true"))));
        using var factory = SessionFactoryBuilder.FromOptions(options).Build();

        var monitor = Assert.IsType<Asherah.KeyManagement.MemoryPressureMonitor>(factory.Context.MemoryPressure);
        Assert.Equal([("intermediate_key", 1000), ("session", 1000)], monitor.Capacities);
        using var session = factory.GetSessionBytes("p");
        Assert.Equal([9], session.Decrypt(session.Encrypt([9])));
    }
}
