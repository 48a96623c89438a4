using System.CommandLine;
using Spectre.Console;
using Visage.Json;

namespace Visage.Cli.Commands;

internal static class VerifyCommand
{
    public static Command Create()
    {
        var first = new Argument<string>("PHOTO_A") { Description = "First photo" };
        var second = new Argument<string>("PHOTO_B") { Description = "Second photo" };
        var command = new Command("verify", "Say whether two photos show the same person (the largest face of each)")
        {
            first, second, CommonOptions.ThresholdOption, CommonOptions.Json,
        };
        command.SetAction(CliRun.Action(async (run, ct) =>
        {
            var result = run.Result;
            var (pathA, pathB) = (result.GetValue(first)!, result.GetValue(second)!);
            using var recognizer = await run.LoadRecognizerAsync(ct);
            var verification = await recognizer.VerifyAsync(pathA, pathB, CommonOptions.Threshold(result), ct);
            foreach (var side in new[] { verification.First, verification.Second }.Where(s => s.FacesFound > 1))
                run.Warn($"{side.Image}: {side.FacesFound} faces found, comparing the largest");

            var t = verification.Threshold;
            if (run.Json)
                run.WriteJson(VerifyJson.From(recognizer.Fingerprint, verification));
            else if (verification.SamePerson)
                run.Out.MarkupLineInterpolated(
                    $"[green]same person[/] (distance {verification.Distance:0.####} <= threshold {t.Value:0.####}, {Words.Of(t.Source)})");
            else
                run.Out.MarkupLineInterpolated(
                    $"[yellow]different people[/] (distance {verification.Distance:0.####} > threshold {t.Value:0.####}, {Words.Of(t.Source)})");
            return ExitCodes.Success;
        }));
        return command;
    }
}
