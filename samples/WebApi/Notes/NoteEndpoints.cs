using System.Text;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Mvc;

namespace Asherah.Samples.WebApi.Notes;

/// <summary>
/// <c>/users/{userId}/notes</c>: each user id is an Asherah partition, so each user's notes are encrypted under that
/// user's own intermediate key.
/// </summary>
/// <remarks>
/// A session is taken per request and disposed at its end (<c>await using</c>); the factory is the container's
/// singleton. Asherah's exceptions become problem responses in <see cref="Problems.AsherahProblemHandler"/>.
/// </remarks>
public static class NoteEndpoints
{
    /// <summary>The longest note accepted, in characters.</summary>
    public const int MaxTextLength = 16 * 1024;

    /// <summary>Maps <c>POST /users/{userId}/notes</c> and <c>GET /users/{userId}/notes/{noteId}</c>.</summary>
    public static IEndpointRouteBuilder MapNotes(this IEndpointRouteBuilder app)
    {
        ArgumentNullException.ThrowIfNull(app);
        app.MapPost("/users/{userId}/notes", CreateAsync);
        app.MapGet("/users/{userId}/notes/{noteId:guid}", ReadAsync);
        return app;
    }

    /// <summary>Encrypts the note in partition <paramref name="userId"/> and stores its data row record.</summary>
    internal static async Task<Results<Created<NoteCreated>, ValidationProblem>> CreateAsync(
        string userId, [FromBody] CreateNoteRequest request, SessionFactory asherah, NoteStore store, CancellationToken cancellationToken)
    {
        if (string.IsNullOrEmpty(request.Text) || request.Text.Length > MaxTextLength)
        {
            return TypedResults.ValidationProblem(new Dictionary<string, string[]>
            {
                ["text"] = [$"A note needs a text of 1 to {MaxTextLength} characters."],
            });
        }

        // An invalid partition id (empty, only white space, ill-formed UTF-16) throws ArgumentException: a 400.
        await using var session = asherah.GetSessionBytes(userId);
        byte[] record = await session.EncryptAsync(Encoding.UTF8.GetBytes(request.Text), cancellationToken);

        var id = Guid.NewGuid();
        await store.InsertAsync(id, Encoding.UTF8.GetString(record), cancellationToken);
        return TypedResults.Created($"/users/{Uri.EscapeDataString(userId)}/notes/{id:D}", new NoteCreated(id));
    }

    /// <summary>Loads the note's data row record and decrypts it in partition <paramref name="userId"/>.</summary>
    internal static async Task<Results<Ok<Note>, ProblemHttpResult>> ReadAsync(
        string userId, Guid noteId, SessionFactory asherah, NoteStore store, CancellationToken cancellationToken)
    {
        await using var session = asherah.GetSessionBytes(userId);
        if (await store.FindAsync(noteId, cancellationToken) is not { } record)
        {
            return TypedResults.Problem(statusCode: StatusCodes.Status404NotFound, title: "Note not found", detail: $"There is no note {noteId:D}.");
        }

        // Another user's note fails here with MetadataMissingException (its key is not in this partition), a damaged
        // record with DecryptionFailedException; AsherahProblemHandler answers both.
        byte[] text = await session.DecryptAsync(Encoding.UTF8.GetBytes(record), cancellationToken);
        return TypedResults.Ok(new Note(noteId, Encoding.UTF8.GetString(text)));
    }
}
