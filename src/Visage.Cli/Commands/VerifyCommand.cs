using System.CommandLine;
using Spectre.Console;
using Visage.Imaging;
using Visage.Recognition;

namespace Visage.Cli.Commands;

internal static class VerifyCommand
{
    public static Command Create()
    {
        var first = new Argument<string>("PHOTO_A") { Description = "First photo" };
        var second = new Argument<string>("PHOTO_B") { Description = "Second photo" };
        var command = new Command("verify", "Say whether two photos show the same person")
        {
            first, second, CommonOptions.Threshold, CommonOptions.Json,
        };
        command.SetAction(CliRun.Action(async (run, ct) =>
        {
            var result = run.Result;
            var limits = CommonOptions.Limits(result);
            var (pathA, pathB) = (result.GetValue(first)!, result.GetValue(second)!);
            var pipeline = await run.LoadPipelineAsync(ct);
            using var _pipeline = pipeline;
            var threshold = CommonOptions.ThresholdOrDefault(result, pipeline.DefaultThreshold);

            var faceA = await OneFaceAsync(run, pipeline, pathA, limits, ct);
            var faceB = await OneFaceAsync(run, pipeline, pathB, limits, ct);
            var verification = new Verification(faceA, faceB,
                FaceDistance.Euclidean(faceA.Embedding, faceB.Embedding), threshold);

            if (run.Json)
                run.WriteJson(new VerifyJson(pathA, pathB, pipeline.ModelId, verification.Distance, threshold,
                    verification.SamePerson, BoxJson.From(faceA.Box), BoxJson.From(faceB.Box)));
            else if (verification.SamePerson)
                run.Out.MarkupLineInterpolated(
                    $"[green]same person[/] (distance {verification.Distance:0.####} <= threshold {threshold:0.####})");
            else
                run.Out.MarkupLineInterpolated(
                    $"[yellow]different people[/] (distance {verification.Distance:0.####} > threshold {threshold:0.####})");
            return CliRun.Success;
        }));
        return command;
    }

    private static async Task<Face> OneFaceAsync(CliRun run, FacePipeline pipeline, string path, ImageLimits limits,
        CancellationToken ct)
    {
        using var image = await ImageReader.ReadAsync(path, limits, ct);
        var faces = pipeline.Analyze(image.Pixels);
        if (faces.Count == 0) throw new VisageException($"{path}: no face found");
        if (faces.Count > 1) run.Warn($"{path}: {faces.Count} faces found, comparing the largest");
        return FaceSelection.Largest(faces);
    }
}
