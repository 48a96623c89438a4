using System.CommandLine;
using Visage.Json;

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
            using var recognizer = await run.LoadRecognizerAsync(ct);
            using var image = await recognizer.ReadImageAsync(path, ct);
            var faces = run.Result.GetValue(wholeImage) ? [recognizer.EncodeWholeImage(image)] : recognizer.Find(image);
            if (faces.Count == 0) run.Warn($"{path}: no face found");
            run.WriteJson(EmbedJson.From(path, recognizer.Fingerprint, recognizer.Dimensions, faces));
            return ExitCodes.Success;
        }));
        return command;
    }
}
