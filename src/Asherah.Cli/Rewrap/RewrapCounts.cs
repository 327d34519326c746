namespace Asherah.Cli.Rewrap;

/// <summary>What a rewrap did with its input lines, over all runs of one job (a resumed run starts from the checkpoint's).</summary>
internal sealed class RewrapCounts
{
    /// <summary>Records whose data row key is now under the partition's current intermediate key.</summary>
    public long Rewrapped { get; set; }

    /// <summary>Records already under the current intermediate key, written out unchanged.</summary>
    public long AlreadyCurrent { get; set; }

    /// <summary>Records that could not be rewrapped, written out unchanged.</summary>
    public long Failed { get; set; }

    /// <summary>Empty lines, written out unchanged.</summary>
    public long Blank { get; set; }

    /// <summary>Every input line handled.</summary>
    public long Lines => Rewrapped + AlreadyCurrent + Failed + Blank;

    public RewrapCounts Copy() => new() { Rewrapped = Rewrapped, AlreadyCurrent = AlreadyCurrent, Failed = Failed, Blank = Blank };
}
