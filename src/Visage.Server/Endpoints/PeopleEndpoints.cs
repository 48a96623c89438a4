using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Visage.Json;
using Visage.Recognition;
using Visage.Server.Hosting;
using Visage.Server.Security;

namespace Visage.Server.Endpoints;

/// <summary>People and their faces (role <c>admin</c>): list, create, rename, merge, delete (erase), upload photos.</summary>
internal static class PeopleEndpoints
{
    public static void Map(IEndpointRouteBuilder routes)
    {
        var people = routes.MapGroup("/api/people").WithTags("People").RequireAuthorization(Policies.Admin);

        people.MapGet("/", async (VisageService service, CancellationToken ct) =>
                TypedResults.Ok(new PeopleJson(service.Gallery, (await service.People.ListAsync(ct)).Select(PersonJson.From).ToList())))
            .WithName("ListPeople")
            .WithSummary("Everyone enrolled, by name, with their face count and the face to show (thumbnailFaceId)")
            .Produces<PeopleJson>();

        people.MapPost("/", async (NameRequest request, VisageService service, CancellationToken ct) =>
            {
                if (string.IsNullOrWhiteSpace(request.Name)) return MissingField("name");
                var name = PersonName.Normalize(request.Name);
                if (!await service.People.CreatePersonAsync(name, ct))
                    throw new PersonException(name, exists: true, $"{service.Gallery}: {name} is enrolled already");
                var person = await service.People.GetAsync(name, ct);
                return TypedResults.Created($"/api/people/{Uri.EscapeDataString(person.Name)}", PersonJson.From(person));
            })
            .WithName("CreatePerson")
            .WithSummary("Adds a person with no photo yet")
            .Produces<PersonJson>(StatusCodes.Status201Created)
            .ProducesProblem(StatusCodes.Status400BadRequest).ProducesProblem(StatusCodes.Status409Conflict);

        people.MapGet("/{name}", async (string name, VisageService service, CancellationToken ct) =>
                TypedResults.Ok(PersonJson.From(await service.People.GetAsync(name, ct))))
            .WithName("GetPerson")
            .Produces<PersonJson>().ProducesProblem(StatusCodes.Status404NotFound);

        people.MapPatch("/{name}", async (string name, NameRequest request, VisageService service, CancellationToken ct) =>
            {
                if (string.IsNullOrWhiteSpace(request.Name)) return MissingField("name");
                var person = await service.People.RenameAsync(name, request.Name, ct);
                return TypedResults.Ok(new PersonChangeJson(service.Gallery, "renamed", PersonJson.From(person), name, null));
            })
            .WithName("RenamePerson")
            .WithSummary("Renames a person (body: {\"name\": NEW_NAME})")
            .Produces<PersonChangeJson>()
            .ProducesProblem(StatusCodes.Status404NotFound).ProducesProblem(StatusCodes.Status409Conflict);

        people.MapDelete("/{name}", async (string name, VisageService service, CancellationToken ct) =>
            {
                var erased = await service.People.DeleteAsync(name, ct);
                return TypedResults.Ok(new PersonChangeJson(service.Gallery, "deleted", null, name, erased));
            })
            .WithName("DeletePerson")
            .WithSummary("Erases a person: every encoding and face crop, in one transaction, gone from the gallery file")
            .Produces<PersonChangeJson>().ProducesProblem(StatusCodes.Status404NotFound);

        people.MapPost("/{name}/merge", async (string name, MergeRequest request, VisageService service, CancellationToken ct) =>
            {
                if (string.IsNullOrWhiteSpace(request.Into)) return MissingField("into");
                var person = await service.People.MergeAsync(name, request.Into, ct);
                return TypedResults.Ok(new PersonChangeJson(service.Gallery, "merged", PersonJson.From(person), name, null));
            })
            .WithName("MergePeople")
            .WithSummary("Moves every face of {name} to another person (body: {\"into\": NAME}); {name} is gone after")
            .Produces<PersonChangeJson>()
            .ProducesProblem(StatusCodes.Status404NotFound).ProducesProblem(StatusCodes.Status409Conflict);

        people.MapGet("/{name}/faces", async (string name, VisageService service, CancellationToken ct) =>
            {
                var person = await service.People.GetAsync(name, ct);
                return TypedResults.Ok(new PersonFacesJson(person.Name,
                    service.People.Faces(person.Name).Select(EnrolledFaceJson.From).ToList()));
            })
            .WithName("ListFaces")
            .WithSummary("The enrolled faces of a person, with their ids (GET /api/faces/{id}/crop shows one)")
            .Produces<PersonFacesJson>().ProducesProblem(StatusCodes.Status404NotFound);

        people.MapPost("/{name}/faces", async (string name, IFormFileCollection? photos, bool? largest,
                VisageService service, CancellationToken ct) =>
            {
                var person = PersonName.Normalize(name);
                if (photos is null || photos.Count == 0) return Uploads.Missing("photos");
                var outcomes = new List<PhotoUploadJson>();
                foreach (var file in photos)
                {
                    var label = Uploads.Label(file.Name, file);
                    try
                    {
                        using var image = await Uploads.DecodeAsync(service.Recognizer, file.Name, file, ct);
                        var outcome = await service.People.AddPhotoAsync(person, image, largest ?? false, ct);
                        outcomes.Add(PhotoUploadJson.From(outcome));
                    }
                    catch (FaceCountException refused)
                    {
                        outcomes.Add(PhotoUploadJson.Refused(label, person, refused));
                    }
                    catch (ImageException bad)
                    {
                        outcomes.Add(new PhotoUploadJson(label, person, EnrollmentStatus.Failed, bad.Message, null, null, []));
                    }
                }
                if (outcomes.All(o => o.Status is not (EnrollmentStatus.Enrolled or EnrollmentStatus.AlreadyEnrolled)))
                {
                    var first = outcomes[0];
                    return Problems.Result(StatusCodes.Status422UnprocessableEntity,
                        outcomes.Count == 1 ? first.Message ?? first.Image : $"none of the {outcomes.Count} photos was enrolled: {first.Message}",
                        new Dictionary<string, object?> { ["photos"] = outcomes, ["boxes"] = first.Boxes });
                }
                var enrolled = await service.People.GetAsync(person, ct);
                var result = new FacesAddedJson(PersonJson.From(enrolled), outcomes);
                return outcomes.Any(o => o.Status == EnrollmentStatus.Enrolled)
                    ? TypedResults.Created($"/api/people/{Uri.EscapeDataString(enrolled.Name)}/faces", result)
                    : TypedResults.Ok(result);
            })
            .DisableAntiforgery()
            .WithName("AddFaces")
            .WithSummary("Enrolls one or more photos of a person (multipart field 'photos', repeated); the person is created when new")
            .WithDescription("Each photo must show one face, or several with largest=true (the biggest is taken). A photo enrolled already (same SHA-256) is reported as already_enrolled, not added. When no photo could be enrolled the answer is 422 with every photo's status and the boxes found; otherwise 201 (or 200 when all were enrolled already) with each photo's status.")
            .Produces<FacesAddedJson>(StatusCodes.Status201Created)
            .Produces<FacesAddedJson>()
            .ProducesProblem(StatusCodes.Status400BadRequest).ProducesProblem(StatusCodes.Status413PayloadTooLarge)
            .ProducesProblem(StatusCodes.Status422UnprocessableEntity);

        var faces = routes.MapGroup("/api/faces").WithTags("People").RequireAuthorization(Policies.Admin);

        faces.MapGet("/{id:long}/crop", async (long id, VisageService service, CancellationToken ct) =>
                await service.People.GetFaceCropAsync(id, ct) is { } jpeg
                    ? Results.File(jpeg, "image/jpeg")
                    : Problems.Result(StatusCodes.Status404NotFound, $"face {id}: no such face"))
            .WithName("GetFaceCrop")
            .WithSummary("The stored crop of one enrolled face, as JPEG")
            .Produces(StatusCodes.Status200OK, contentType: "image/jpeg").ProducesProblem(StatusCodes.Status404NotFound);

        faces.MapDelete("/{id:long}", async (long id, VisageService service, CancellationToken ct) =>
                await service.People.DeleteFaceAsync(id, ct)
                    ? Results.NoContent()
                    : Problems.Result(StatusCodes.Status404NotFound, $"face {id}: no such face"))
            .WithName("DeleteFace")
            .WithSummary("Erases one enrolled face (its encoding and crop)")
            .Produces(StatusCodes.Status204NoContent).ProducesProblem(StatusCodes.Status404NotFound);
    }

    private static IResult MissingField(string field) =>
        Problems.Result(StatusCodes.Status400BadRequest, $"{field}: missing from the JSON body",
            new Dictionary<string, object?> { ["field"] = field });
}

/// <summary><c>{"name"}</c>: a person to create, or a person's new name.</summary>
public sealed record NameRequest(string? Name);

/// <summary><c>{"into"}</c>: the person who keeps the faces.</summary>
public sealed record MergeRequest(string? Into);

/// <summary>A person's enrolled faces: <c>{"person","faces"}</c>.</summary>
public sealed record PersonFacesJson(string Person, IReadOnlyList<EnrolledFaceJson> Faces);

/// <summary>Photos uploaded for a person: <c>{"person","photos"}</c>, the person as they are now.</summary>
public sealed record FacesAddedJson(PersonJson Person, IReadOnlyList<PhotoUploadJson> Photos);
