namespace Asherah.Samples.WebApi.Notes;

/// <summary>The body of <c>POST /users/{userId}/notes</c>.</summary>
/// <param name="Text">The note, 1 to <see cref="NoteEndpoints.MaxTextLength"/> characters.</param>
public sealed record CreateNoteRequest(string? Text);
