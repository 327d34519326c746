namespace Asherah.Kms.Aws.Envelope;

/// <summary>One region's entry of a <see cref="KmsEnvelope"/>: the data key encrypted by that region's KMS key.</summary>
/// <param name="Region">The AWS region.</param>
/// <param name="Arn">The KMS key ARN written with it (canonical readers do not need it; this one passes it as <c>KeyId</c>).</param>
/// <param name="EncryptedKek">The KMS ciphertext of the data key.</param>
internal sealed record KmsKek(string Region, string Arn, byte[] EncryptedKek);
