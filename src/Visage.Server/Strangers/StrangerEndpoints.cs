using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Visage.Json;
using Visage.Server.Hosting;
using Visage.Server.Security;

namespace Visage.Server.Strangers;

/// <summary>The strangers (role <c>admin</c>): list the groups, name, merge, split, undo, delete; a face's crop.</summary>
internal static class StrangerEndpoints
{
    public static void Map(IEndpointRouteBuilder routes)
    {
        var strangers = routes.MapGroup("/api/strangers").WithTags("Strangers").RequireAuthorization(Policies.Admin);

        strangers.MapGet("/", async (VisageService service, CancellationToken ct) =>
                TypedResults.Ok(StrangersJson.From(service.Recognizer.Fingerprint, await service.Strangers.ListAsync(ct))))
            .WithName("ListStrangers")
            .WithSummary("The unknown faces seen, grouped into people: each group's faces (crops at /api/strangers/faces/{id}/crop), biggest group first")
            .Produces<StrangersJson>();

        strangers.MapGet("/{id:long}", async (long id, VisageService service, CancellationToken ct) =>
                TypedResults.Ok(StrangerGroupJson.From(await service.Strangers.GetAsync(id, ct))))
            .WithName("GetStrangers")
            .WithSummary("One group of strangers")
            .Produces<StrangerGroupJson>().ProducesProblem(StatusCodes.Status404NotFound);

        strangers.MapPost("/{id:long}/name", async (long id, NameStrangersRequest? request, VisageService service,
                CancellationToken ct) =>
            {
                if (string.IsNullOrWhiteSpace(request?.Person)) return MissingField("person");
                NamedGroup named;
                try
                {
                    named = await service.Strangers.NameAsync(id, request.Person, ct);
                }
                catch (InvalidSettingException bad) when (bad.Setting == VisageSetting.PersonName)
                {
                    return Problems.Result(StatusCodes.Status400BadRequest, $"person: {bad.Message}",
                        new Dictionary<string, object?> { ["field"] = "person" });
                }
                var person = await service.People.GetAsync(named.Person, ct);
                return TypedResults.Ok(new StrangersNamedJson("named", id, PersonJson.From(person), named.PersonCreated,
                    named.Enrolled, named.AlreadyEnrolled));
            })
            .WithName("NameStrangers")
            .WithSummary("Enrolls exactly the faces of a group as a person, new or enrolled already (body: {\"person\": NAME}); the group is gone after")
            .Produces<StrangersNamedJson>()
            .ProducesProblem(StatusCodes.Status400BadRequest).ProducesProblem(StatusCodes.Status404NotFound);

        strangers.MapPost("/{id:long}/merge", async (long id, MergeStrangersRequest? request, VisageService service,
                CancellationToken ct) =>
            {
                if (request?.Into is not { } into) return MissingField("into");
                var group = await service.Strangers.MergeAsync(id, into, ct);
                return TypedResults.Ok(new StrangerChangeJson("merged", id, StrangerGroupJson.From(group), null));
            })
            .WithName("MergeStrangers")
            .WithSummary("Moves every face of a group into another (body: {\"into\": CLUSTER}); the group is gone after")
            .Produces<StrangerChangeJson>()
            .ProducesProblem(StatusCodes.Status400BadRequest).ProducesProblem(StatusCodes.Status404NotFound);

        strangers.MapPost("/{id:long}/split", async (long id, SplitStrangerRequest? request, VisageService service,
                CancellationToken ct) =>
            {
                if (request?.FaceId is not { } face) return MissingField("faceId");
                var group = await service.Strangers.SplitAsync(id, face, ct);
                return TypedResults.Ok(new StrangerChangeJson("split", id, StrangerGroupJson.From(group), null));
            })
            .WithName("SplitStrangers")
            .WithSummary("Takes one face out of a group into a new group of its own (body: {\"faceId\": ID})")
            .Produces<StrangerChangeJson>()
            .ProducesProblem(StatusCodes.Status400BadRequest).ProducesProblem(StatusCodes.Status404NotFound)
            .ProducesProblem(StatusCodes.Status409Conflict);

        strangers.MapPost("/undo", async (VisageService service, CancellationToken ct) =>
            {
                var undone = await service.Strangers.UndoAsync(ct);
                return TypedResults.Ok(new StrangersUndoneJson("undone", undone.Change,
                    undone.Groups.Select(StrangerGroupJson.From).ToList(), undone.Person, undone.FacesRemovedFromPerson));
            })
            .WithName("UndoStrangers")
            .WithSummary("Takes back the newest merge, split or naming (a naming's faces leave the person and are strangers again)")
            .Produces<StrangersUndoneJson>().ProducesProblem(StatusCodes.Status409Conflict);

        strangers.MapDelete("/{id:long}", async (long id, VisageService service, CancellationToken ct) =>
            {
                var erased = await service.Strangers.DeleteAsync(id, ct);
                return TypedResults.Ok(new StrangerChangeJson("deleted", id, null, erased));
            })
            .WithName("DeleteStrangers")
            .WithSummary("Erases a group: its faces' encodings and crops (cannot be undone)")
            .Produces<StrangerChangeJson>().ProducesProblem(StatusCodes.Status404NotFound);

        strangers.MapGet("/faces/{id:long}/crop", async (long id, VisageService service, CancellationToken ct) =>
                await service.Strangers.GetCropAsync(id, ct) is { } jpeg
                    ? Results.File(jpeg, "image/jpeg")
                    : Problems.Result(StatusCodes.Status404NotFound, $"face {id}: no such stranger's face",
                        new Dictionary<string, object?> { ["field"] = "id" }))
            .WithName("GetStrangerCrop")
            .WithSummary("The crop of one stranger's face, as JPEG")
            .Produces(StatusCodes.Status200OK, contentType: "image/jpeg").ProducesProblem(StatusCodes.Status404NotFound);
    }

    private static IResult MissingField(string field) =>
        Problems.Result(StatusCodes.Status400BadRequest, $"{field}: missing from the JSON body",
            new Dictionary<string, object?> { ["field"] = field });
}
