using Asherah.Kms.Aws.Hosting;

namespace Asherah.Kms.Aws.Tests;

public sealed class AwsKmsOptionsTests
{
    [Fact]
    public void AddRegionMap_KeepsTheWrittenOrder_AndSkipsEmptyEntries()
    {
        var options = new AwsKmsOptions().AddRegionMap(" us-west-2 = arn:aws:kms:us-west-2:1:key/a ,, us-east-1=arn:aws:kms:us-east-1:1:key/b,");

        Assert.Equal([new AwsKmsRegion("us-west-2", "arn:aws:kms:us-west-2:1:key/a"), new AwsKmsRegion("us-east-1", "arn:aws:kms:us-east-1:1:key/b")], options.Regions);
    }

    [Theory]
    [InlineData("us-west-2")]
    [InlineData("=arn")]
    [InlineData("us-west-2=")]
    public void AddRegionMap_WithAnEntryThatIsNotRegionEqualsArn_Throws(string map) =>
        Assert.Throws<FormatException>(() => new AwsKmsOptions().AddRegionMap(map));

    [Fact]
    public void PreferredRegion_MovesToTheFront_OthersKeepTheirOrder()
    {
        var options = new AwsKmsOptions { PreferredRegion = "EU-WEST-1" }.AddRegion("us-west-2", "a").AddRegion("us-east-1", "b").AddRegion("eu-west-1", "c");

        Assert.Null(options.Validate());
        Assert.Equal(["eu-west-1", "us-west-2", "us-east-1"], options.OrderedRegions().Select(r => r.Region));
    }

    [Fact]
    public void Validate_SaysWhatIsWrong()
    {
        Assert.Contains("No AWS KMS region", new AwsKmsOptions().Validate(), StringComparison.Ordinal);
        Assert.Contains("twice", new AwsKmsOptions().AddRegion("us-west-2", "a").AddRegion("US-WEST-2", "b").Validate(), StringComparison.Ordinal);
        Assert.Contains("not one of the configured regions", new AwsKmsOptions { PreferredRegion = "eu-west-1" }.AddRegion("us-west-2", "a").Validate(), StringComparison.Ordinal);
        Assert.Throws<ArgumentException>(() => new AwsKeyManagementService(new AwsKmsOptions()));
    }

    [Fact]
    public void RangeChecks_RejectNonsense()
    {
        var options = new AwsKmsOptions();
        Assert.Throws<ArgumentOutOfRangeException>(() => options.RegionTimeout = TimeSpan.Zero);
        Assert.Throws<ArgumentOutOfRangeException>(() => options.RegionTimeout = TimeSpan.FromHours(1));
        Assert.Throws<ArgumentOutOfRangeException>(() => options.MinimumRegions = 0);
        Assert.Throws<ArgumentOutOfRangeException>(() => options.MinimumRegions = AwsKmsOptions.MaxRegions + 1);
    }

    [Theory]
    [InlineData("500ms", 500)]
    [InlineData("5s", 5000)]
    [InlineData("1.5s", 1500)]
    [InlineData("2m", 120000)]
    [InlineData("00:00:07", 7000)]
    public void Durations_ReadGoFormAndTimeSpans(string text, int milliseconds)
    {
        Assert.True(AwsKmsConfiguration.TryDuration(text, out var value));
        Assert.Equal(TimeSpan.FromMilliseconds(milliseconds), value);
    }
}
