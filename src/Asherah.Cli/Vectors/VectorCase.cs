namespace Asherah.Cli.Vectors;

/// <summary>One case of a vector file: a record to decrypt in a partition, and what should come out.</summary>
/// <param name="Index">The case's position in the file (0-based), for reports.</param>
/// <param name="Partition">The partition id of the session that decrypts it.</param>
/// <param name="Plaintext">The expected payload (decoded from base64); empty for error cases.</param>
/// <param name="Drr">The data row record JSON text.</param>
/// <param name="ExpectError">True when decryption must be refused with a documented Asherah exception.</param>
/// <param name="Kind">How an error case's record was damaged, when given.</param>
internal sealed record VectorCase(int Index, string Partition, byte[] Plaintext, string Drr, bool ExpectError, string? Kind);
