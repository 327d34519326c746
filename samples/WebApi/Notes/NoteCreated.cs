namespace Asherah.Samples.WebApi.Notes;

/// <summary>The answer to <c>POST /users/{userId}/notes</c>: the new note's id (its URL is in <c>Location</c>).</summary>
public sealed record NoteCreated(Guid Id);
