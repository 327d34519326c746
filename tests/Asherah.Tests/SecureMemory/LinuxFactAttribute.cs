namespace Asherah.Tests.SecureMemory;

/// <summary>A fact that needs Linux (/proc/self/smaps, prlimit, signals); skipped elsewhere.</summary>
public sealed class LinuxFactAttribute : FactAttribute
{
    public LinuxFactAttribute()
    {
        if (!OperatingSystem.IsLinux())
        {
            Skip = "Needs Linux (/proc, prlimit, signals).";
        }
    }
}

/// <summary>A theory that needs Linux; skipped elsewhere.</summary>
public sealed class LinuxTheoryAttribute : TheoryAttribute
{
    public LinuxTheoryAttribute()
    {
        if (!OperatingSystem.IsLinux())
        {
            Skip = "Needs Linux (/proc, prlimit, signals).";
        }
    }
}
