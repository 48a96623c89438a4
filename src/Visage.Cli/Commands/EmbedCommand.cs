using System.CommandLine;
using Visage.Imaging;

namespace Visage.Cli.Commands;

internal static class EmbedCommand
{
    public static Command Create()
    {
        var photo = new Argument<string>("PHOTO") { Description = "The photo to encode" };
        var wholeImage = new Option<bool>("--whole-image")
        {
            Description = "Encode the whole image as one face, without detection (the seed's img_path_to_encoding)",
        };
        var command = new Command("embed", "Print the encoding of every face in a photo, as JSON")
        {
            photo, wholeImage, CommonOptions.Json,
        };
        command.SetAction(CliRun.Action(async (run, ct) =>
        {
            var path = run.Result.GetValue(photo)!;
            var limits = CommonOptions.Limits(run.Result);
            using var image = await ImageReader.ReadAsync(path, limits, ct);
            var pipeline = await run.LoadPipelineAsync(ct);
            using var _pipeline = pipeline;
            var faces = run.Result.GetValue(wholeImage)
                ? [pipeline.AnalyzeWholeImage(image.Pixels)]
                : pipeline.Analyze(image.Pixels).OrderBy(f => f.Box.X).ToList();
            if (faces.Count == 0) run.Warn($"{path}: no face found");
            run.WriteJson(new EmbedJson(path, pipeline.ModelId, pipeline.Dimensions,
                faces.Select(f => new EmbeddedFaceJson(BoxJson.From(f.Box), f.Score, f.Embedding)).ToList()));
            return CliRun.Success;
        }));
        return command;
    }
}
