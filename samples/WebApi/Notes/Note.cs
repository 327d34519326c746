namespace Asherah.Samples.WebApi.Notes;

/// <summary>A decrypted note, the answer to <c>GET /users/{userId}/notes/{noteId}</c>.</summary>
public sealed record Note(Guid Id, string Text);
