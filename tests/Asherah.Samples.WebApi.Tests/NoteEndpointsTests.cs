using System.Diagnostics;
using System.Net;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using Asherah.Samples.WebApi.Notes;
using Microsoft.AspNetCore.Mvc;
using Microsoft.Extensions.DependencyInjection;
using OpenTelemetry;
using OpenTelemetry.Metrics;
using OpenTelemetry.Trace;

namespace Asherah.Samples.WebApi.Tests;

public sealed class NoteEndpointsTests : IDisposable
{
    private readonly SampleApp _app = new();
    private readonly HttpClient _client;

    public NoteEndpointsTests()
    {
        _client = _app.CreateClient();
    }

    public void Dispose()
    {
        _client.Dispose();
        _app.Dispose();
    }

    [Fact]
    public async Task Post_ThenGet_ReturnsTheNote()
    {
        var created = await CreateAsync("alice", "the door code is 4711 ✓");

        var note = await _client.GetFromJsonAsync<Note>($"/users/alice/notes/{created:D}");

        Assert.Equal(new Note(created, "the door code is 4711 ✓"), note);
    }

    [Fact]
    public async Task Post_StoresADataRowRecordOfTheUsersPartition_NotThePlaintext()
    {
        var created = await CreateAsync("alice", "plaintext-marker-8d1f");

        string stored = _app.StoredRecord(created);

        Assert.DoesNotContain("plaintext-marker-8d1f", stored, StringComparison.Ordinal);
        var record = JsonNode.Parse(stored)!.AsObject();
        Assert.Equal(["Key", "Data"], record.Select(p => p.Key));
        Assert.Equal("_IK_alice_notes-api_asherah-samples", (string?)record["Key"]!["ParentKeyMeta"]!["KeyId"]);
        foreach (var file in Directory.EnumerateFiles(_app.DataDirectory))
        {
            Assert.DoesNotContain("plaintext-marker-8d1f", Encoding.UTF8.GetString(await File.ReadAllBytesAsync(file)), StringComparison.Ordinal);
        }
    }

    [Fact]
    public async Task Post_SetsLocationToTheNotesUrl()
    {
        using var response = await _client.PostAsJsonAsync("/users/alice/notes", new CreateNoteRequest("x"));

        Assert.Equal(HttpStatusCode.Created, response.StatusCode);
        var created = await response.Content.ReadFromJsonAsync<NoteCreated>();
        Assert.Equal($"/users/alice/notes/{created!.Id:D}", response.Headers.Location?.OriginalString);
    }

    [Fact]
    public async Task Get_MissingNote_Is404Problem()
    {
        using var response = await _client.GetAsync($"/users/alice/notes/{Guid.NewGuid():D}");

        await AssertProblemAsync(response, HttpStatusCode.NotFound, "Note not found");
    }

    [Fact]
    public async Task Get_AnotherUsersNote_Is403Problem()
    {
        var created = await CreateAsync("alice", "alice's secret");

        using var response = await _client.GetAsync($"/users/bob/notes/{created:D}");

        await AssertProblemAsync(response, HttpStatusCode.Forbidden, "Note not readable by this user");
    }

    [Fact]
    public async Task Get_DamagedRecord_Is500ProblemWithoutDetailsOfTheException()
    {
        var created = await CreateAsync("alice", "to be damaged");
        var record = JsonNode.Parse(_app.StoredRecord(created))!;
        byte[] data = Convert.FromBase64String((string)record["Data"]!);
        data[^1] ^= 0x01;
        record["Data"] = Convert.ToBase64String(data);
        _app.OverwriteRecord(created, record.ToJsonString());

        using var response = await _client.GetAsync($"/users/alice/notes/{created:D}");

        string body = await AssertProblemAsync(response, HttpStatusCode.InternalServerError, "Stored note is damaged");
        Assert.DoesNotContain("Exception", body, StringComparison.Ordinal);
        Assert.DoesNotContain(" at ", body, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Get_RecordThatIsNotJson_Is500DamagedProblem()
    {
        var created = await CreateAsync("alice", "to be replaced");
        _app.OverwriteRecord(created, "not a record");

        using var response = await _client.GetAsync($"/users/alice/notes/{created:D}");

        await AssertProblemAsync(response, HttpStatusCode.InternalServerError, "Stored note is damaged");
    }

    [Theory]
    [InlineData("{\"text\": \"\"}", "One or more validation errors occurred.")]
    [InlineData("{}", "One or more validation errors occurred.")]
    [InlineData("{\"text\": ", "Bad request")]
    [InlineData("", "Bad request")]
    public async Task Post_BadBody_Is400Problem(string body, string title)
    {
        using var content = new StringContent(body, Encoding.UTF8, "application/json");
        using var response = await _client.PostAsync("/users/alice/notes", content);

        await AssertProblemAsync(response, HttpStatusCode.BadRequest, title);
    }

    [Fact]
    public async Task Post_TextLongerThanTheLimit_Is400Problem()
    {
        using var response = await _client.PostAsJsonAsync("/users/alice/notes", new CreateNoteRequest(new string('x', NoteEndpoints.MaxTextLength + 1)));

        await AssertProblemAsync(response, HttpStatusCode.BadRequest, "One or more validation errors occurred.");
    }

    [Fact]
    public async Task Post_BlankUserId_Is400ProblemNamingThePartitionRule()
    {
        using var response = await _client.PostAsJsonAsync("/users/%20/notes", new CreateNoteRequest("x"));

        string body = await AssertProblemAsync(response, HttpStatusCode.BadRequest, "Invalid request");
        Assert.Contains("partition id", body, StringComparison.Ordinal);
    }

    [Fact]
    public async Task AsherahMeters_ReachOpenTelemetry()
    {
        var created = await CreateAsync("alice", "counted");
        _ = await _client.GetFromJsonAsync<Note>($"/users/alice/notes/{created:D}");

        Assert.True(_app.Services.GetRequiredService<MeterProvider>().ForceFlush());

        var names = _app.ExportedMetrics.Select(m => m.Name).ToHashSet();
        Assert.Contains("asherah.envelope.encryptions", names);
        Assert.Contains("asherah.envelope.decryptions", names);
        Assert.Contains("asherah.keys.created", names);
        Assert.Contains("http.server.request.duration", names);
    }

    [Fact]
    public async Task AsherahSpans_NestUnderTheRequestsSpan()
    {
        await CreateAsync("alice", "traced");

        Assert.True(_app.Services.GetRequiredService<TracerProvider>().ForceFlush());

        var request = Assert.Single(_app.ExportedActivities, a => a.Kind == ActivityKind.Server && a.DisplayName == "POST /users/{userId}/notes");
        var keyCreations = _app.ExportedActivities.Where(a => a.Source.Name == "Asherah" && a.OperationName == "asherah.key.create").ToList();
        // The system key is made by the warm-up when the host starts (a trace of its own); alice's intermediate key by
        // the request, under its span.
        Assert.Equal(["intermediate", "system"], keyCreations.Select(a => a.GetTagItem("asherah.key.tier") as string).Order());
        var intermediate = keyCreations.Single(a => (string?)a.GetTagItem("asherah.key.tier") == "intermediate");
        Assert.Equal(request.TraceId, intermediate.TraceId);
        Assert.Contains(_app.ExportedActivities, a => a.Source.Name == "Asherah" && a.OperationName == "asherah.metastore.store");
    }

    private async Task<Guid> CreateAsync(string userId, string text)
    {
        using var response = await _client.PostAsJsonAsync($"/users/{userId}/notes", new CreateNoteRequest(text));
        Assert.Equal(HttpStatusCode.Created, response.StatusCode);
        return (await response.Content.ReadFromJsonAsync<NoteCreated>())!.Id;
    }

    private static async Task<string> AssertProblemAsync(HttpResponseMessage response, HttpStatusCode status, string title)
    {
        string body = await response.Content.ReadAsStringAsync();
        Assert.True(status == response.StatusCode, $"Expected {(int)status}, got {(int)response.StatusCode}: {body}");
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        var problem = JsonSerializer.Deserialize<ProblemDetails>(body, JsonSerializerOptions.Web)!;
        Assert.Equal((int)status, problem.Status);
        Assert.Equal(title, problem.Title);
        return body;
    }
}
