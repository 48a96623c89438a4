using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Visage.Evaluation;
using Visage.Json;
using Visage.Recognition;
using Visage.Server.Hosting;
using Visage.Server.Security;

namespace Visage.Server.Endpoints;

/// <summary>The threshold (role <c>admin</c>): read, set by hand, calibrate on the enrolled people, and the calibration plot.</summary>
internal static class ThresholdEndpoints
{
    public const string PlotRoute = "/api/threshold/plot.png";

    public static void Map(IEndpointRouteBuilder routes)
    {
        var group = routes.MapGroup("/api/threshold").WithTags("Threshold").RequireAuthorization(Policies.Admin);

        group.MapGet("/", (VisageService service) => TypedResults.Ok(ThresholdJson.From(service.People.Threshold)))
            .WithName("GetThreshold")
            .WithSummary("The threshold identification uses and where it comes from (explicit, calibrated or model)")
            .Produces<ThresholdJson>();

        group.MapPut("/", async (ThresholdRequest request, VisageService service, CancellationToken ct) =>
            {
                await service.People.SetThresholdAsync(request.Value, request.Note, ct);
                return TypedResults.Ok(ThresholdJson.From(service.People.Threshold));
            })
            .WithName("SetThreshold")
            .WithSummary("Stores a threshold in the gallery ({\"value\": null} removes it, so the model's applies)")
            .WithDescription("A threshold given to 'visage serve --threshold' still overrides the stored one; the answer says which applies.")
            .Produces<ThresholdJson>().ProducesProblem(StatusCodes.Status400BadRequest);

        group.MapPost("/calibrate", async (CalibrateRequest request, VisageService service, CancellationToken ct) =>
            {
                var rate = request.FalseAcceptRate ?? 1e-3;
                var calibration = await service.People.CalibrateAsync(new CalibrationPhotos.Enrolled(), rate, ct: ct);
                var plot = service.CalibrationPlotPath;
                var aside = Path.Combine(service.DataFolder, "calibration.new.png");
                DistancePlots.WriteDistributions(aside, calibration.Distances, calibration.Chosen.Threshold,
                    $"{service.Recognizer.ModelId}: calibrated for a false-accept rate of {rate:G3}");
                File.Move(aside, plot, overwrite: true);
                return TypedResults.Ok(CalibrationJson.From(service.Gallery, service.Recognizer.Fingerprint,
                    service.People.Threshold, calibration, PlotRoute));
            })
            .WithName("Calibrate")
            .WithSummary("Chooses and stores the threshold that keeps the false-accept rate at falseAcceptRate (default 0.001) on the enrolled people")
            .WithDescription("Uses every same-person and different-person pair of enrolled faces. Too few pairs for the rate asked is 422 with the counts, and nothing is stored.")
            .Produces<CalibrationJson>()
            .ProducesProblem(StatusCodes.Status400BadRequest).ProducesProblem(StatusCodes.Status422UnprocessableEntity);

        group.MapGet("/plot.png", (VisageService service) => File.Exists(service.CalibrationPlotPath)
                ? Results.File(File.ReadAllBytes(service.CalibrationPlotPath), "image/png")
                : Problems.Result(StatusCodes.Status404NotFound, "calibration plot: none yet (calibrate first)"))
            .WithName("CalibrationPlot")
            .WithSummary("The last calibration's same-person and different-person distance distributions, as PNG")
            .Produces(StatusCodes.Status200OK, contentType: "image/png").ProducesProblem(StatusCodes.Status404NotFound);
    }
}

/// <summary><c>{"value","note"}</c>: a threshold to store (null removes it).</summary>
public sealed record ThresholdRequest(float? Value, string? Note);

/// <summary><c>{"falseAcceptRate"}</c>: the rate to calibrate for.</summary>
public sealed record CalibrateRequest(double? FalseAcceptRate);
