namespace Asherah.Kms.Aws;

/// <summary>One region of an <see cref="AwsKeyManagementService"/>: the AWS region and the KMS key used there.</summary>
/// <param name="Region">The AWS region name, such as <c>us-west-2</c>; written as the envelope entry's <c>region</c>.</param>
/// <param name="KeyArn">The ARN of the symmetric KMS key in that region; written as the entry's <c>arn</c>.</param>
public sealed record AwsKmsRegion(string Region, string KeyArn);
