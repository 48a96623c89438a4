using System.CommandLine;
using Spectre.Console;
using Visage.Evaluation;

namespace Visage.Cli.Commands;

internal static class EvaluateCommand
{
    public static Command Create()
    {
        var pairs = new Option<string>("--pairs")
        {
            Description = "Pairs to measure on (LFW format: pairs.txt, pairsDevTest.txt)",
            Required = true,
        };
        var images = new Option<string>("--images")
        {
            Description = "Folder of the pairs' images (NAME/NAME_0001.jpg)",
            Required = true,
        };
        var train = new Option<string?>("--train")
        {
            Description = "Pairs to choose the threshold on (e.g. pairsDevTrain.txt); without it, cross-validate",
        };
        var folds = CommonOptions.NumberOption("--folds", "Folds of the cross-validation when there is no --train", 10);
        var report = new Option<string?>("--report")
        {
            Description = "Folder for report.json, roc.png and distances.png",
        };
        var fuse = new Option<string?>("--fuse")
        {
            Description = "Fuse these packs (comma-separated single-encoder packs, e.g. faceplugin,mobilefacenet): " +
                          "search their weights on --train, then measure the fusion on --pairs",
        };
        var step = new Option<double>("--step")
        {
            Description = "Grid step of the fusion weight search (with --fuse)",
            DefaultValueFactory = _ => FusionSearch.DefaultStep,
        };
        var liveness = new Option<string?>("--liveness")
        {
            Description = "Instead of accuracy, score each image's face with this liveness model " +
                          $"({string.Join(", ", ModelPacks.LivenessModels.Select(m => m.Id))}) and count the real faces it rejects",
        };
        var command = new Command("evaluate", "Measure accuracy on labelled pairs with the LFW protocol")
        {
            pairs, images, train, folds, report, fuse, step, liveness, CommonOptions.Json,
        };
        command.SetAction(CliRun.Action(async (run, ct) =>
        {
            var result = run.Result;
            var request = new EvaluationRequest(result.GetValue(pairs)!, result.GetValue(images)!,
                result.GetValue(train), result.GetValue(folds));
            if (!Directory.Exists(request.ImagesFolder))
                throw new VisageException($"{request.ImagesFolder}: no such folder of images");
            foreach (var file in new[] { request.PairsFile, request.TrainFile })
                if (file is not null && !File.Exists(file))
                    throw new VisageException($"{file}: no such pairs file");
            if (request.TrainFile is null && request.Folds < 2)
                throw new UsageException($"--folds: needs at least 2, not {request.Folds}");
            var reportFolder = result.GetValue(report);
            if (result.GetValue(liveness) is { } livenessId)
                return await EvaluateLivenessAsync(run, request, livenessId, ct);
            if (result.GetValue(fuse) is { } fused)
                return await EvaluateFusionAsync(run, request, fused, result.GetValue(step), reportFolder, ct);

            using var recognizer = await run.LoadRecognizerAsync(ct, bulk: true);
            var evaluation = new PairEvaluation(recognizer);
            var outcome = await run.WithProgressAsync("encoding images",
                progress => Task.Run(() => evaluation.Run(request, progress, ct), ct));

            if (reportFolder is not null) WriteReport(reportFolder, outcome);
            if (run.Json)
                run.WriteJson(EvaluationJson.From(outcome, recognizer.Fingerprint.Id));
            else
                Print(run, outcome, reportFolder);
            return ExitCodes.Success;
        }));
        return command;
    }

    private static async Task<int> EvaluateLivenessAsync(CliRun run, EvaluationRequest request, string model,
        CancellationToken ct)
    {
        var images = new[] { request.PairsFile, request.TrainFile }.OfType<string>()
            .SelectMany(file => LfwPairs.Read(file, request.ImagesFolder))
            .SelectMany(p => new[] { p.First, p.Second })
            .Distinct(StringComparer.Ordinal).ToList();
        using var recognizer = await run.LoadRecognizerAsync(ct, liveness: model);
        var evaluation = new LivenessEvaluation(recognizer);
        var outcome = await run.WithProgressAsync("scoring faces", progress => evaluation.RunAsync(images, progress, ct));
        if (run.Json)
        {
            run.WriteJson(outcome);
            return ExitCodes.Success;
        }
        var table = new Table().AddColumns("measure", "value");
        table.AddRow("liveness model", Markup.Escape(outcome.Model));
        table.AddRow("photos", $"{outcome.Images} ({outcome.FacesScored} faces scored, {outcome.ImagesWithoutFace} without a face)");
        table.AddRow("real faces rejected", $"{outcome.Rejected} ({outcome.RejectionRate:P2}) under {outcome.Threshold:0.##}");
        table.AddRow("scores", $"1st percentile {outcome.Scores.P1:0.000}, 5th {outcome.Scores.P5:0.000}, " +
                               $"10th {outcome.Scores.P10:0.000}, median {outcome.Scores.Median:0.000}");
        run.Out.Write(table);
        return ExitCodes.Success;
    }

    private static async Task<int> EvaluateFusionAsync(CliRun run, EvaluationRequest request, string packList,
        double step, string? reportFolder, CancellationToken ct)
    {
        if (request.TrainFile is null) throw new UsageException("--fuse: the weights are searched on --train pairs; give them");
        var ids = packList.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
        if (ids.Length < 2) throw new UsageException($"--fuse: needs at least two packs, not '{packList}'");
        if (!(step > 0 && step <= 0.5)) throw new UsageException($"--step: must be in (0, 0.5], not {step}");
        var packs = ids.Select(id => ModelPacks.Get(id, run.Home)).ToList();
        if (packs.FirstOrDefault(p => p.Fused) is { } multi)
            throw new UsageException($"--fuse: '{multi.Id}' is itself a fusion; name single-encoder packs");

        var recognizers = new List<FaceRecognizer>();
        try
        {
            foreach (var pack in packs)
                recognizers.Add(await run.LoadRecognizerAsync(ct, bulk: true, model: pack.Id));
            var evaluation = new FusionEvaluation(recognizers);
            var outcome = await run.WithProgressAsync("encoding images with each pack",
                progress => Task.Run(() => evaluation.Run(request, step, progress, ct), ct));

            if (reportFolder is not null) WriteReport(reportFolder, outcome.Evaluation);
            if (run.Json)
            {
                run.WriteJson(outcome with { Evaluation = outcome.Evaluation with { Distances = [], Roc = [] } });
                return ExitCodes.Success;
            }
            Print(run, outcome.Evaluation, reportFolder);
            var weights = outcome.Parts.Select((id, k) =>
                $"{id} {outcome.Weights.Weights[k]:0.0000} (share {outcome.Weights.Shares[k]:0.00} of standardised distances)");
            run.Out.WriteLine($"fusion weights: {string.Join("; ", weights)}");
            return ExitCodes.Success;
        }
        finally
        {
            foreach (var recognizer in recognizers) recognizer.Dispose();
        }
    }

    private static void WriteReport(string folder, EvaluationReport report)
    {
        try
        {
            Directory.CreateDirectory(folder);
            File.WriteAllText(Path.Combine(folder, "report.json"), Json.VisageJson.Serialize(report));
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new VisageException($"{folder}: cannot write the report ({e.Message})");
        }
        DistancePlots.WriteRoc(Path.Combine(folder, "roc.png"), report.Roc,
            $"{report.Model} on {Path.GetFileName(report.PairsFile)}: ROC (AUC {report.AreaUnderCurve:0.0000})");
        DistancePlots.WriteDistributions(Path.Combine(folder, "distances.png"), report.Distances, report.Threshold,
            $"{report.Model} on {Path.GetFileName(report.PairsFile)}: distances");
    }

    private static void Print(CliRun run, EvaluationReport report, string? folder)
    {
        var table = new Table().AddColumns("measure", "value");
        table.AddRow("model", Markup.Escape(report.Model));
        table.AddRow("pairs", Markup.Escape($"{report.Pairs} from {report.PairsFile} ({report.Images} images)"));
        table.AddRow("protocol", Markup.Escape(report.Protocol + (report.TrainFile is null ? "" : $" ({report.TrainFile})")));
        table.AddRow("accuracy", report.AccuracyStandardDeviation is { } sd
            ? $"{report.Accuracy:P2} ± {sd:P2}"
            : $"{report.Accuracy:P2}");
        table.AddRow("threshold", $"{report.Threshold:0.####}" +
                                  (report.TrainAccuracy is { } ta ? $" (training accuracy {ta:P2})" : " (best on all pairs)"));
        foreach (var fold in report.Folds)
            table.AddRow($"  fold {fold.Fold}", $"{fold.Accuracy:P2} at {fold.Threshold:0.####}");
        table.AddRow("ROC AUC", $"{report.AreaUnderCurve:0.00000}");
        table.AddRow("equal error rate", $"{report.EqualErrorRate:P2}");
        foreach (var point in report.OperatingPoints)
            table.AddRow($"TAR at FAR {point.TargetFalseAcceptRate:0.###}", point.Status == TargetOperatingPoint.Measured
                ? $"{point.TrueAcceptRate:P2} at threshold {point.Threshold:0.####} (FAR {point.FalseAcceptRate:P2})"
                : $"not enough pairs ({point.DifferentPairs} different-person pairs, {point.DifferentPairsNeeded} needed)");
        table.AddRow("no face found", report.CentralBoxFallbacks.Count == 0
            ? "0 images"
            : $"{report.CentralBoxFallbacks.Count} images: encoded the central 40% box instead");
        run.Out.Write(table);
        if (folder is not null)
            run.Out.MarkupLineInterpolated($"report: {Path.Combine(folder, "report.json")}, roc.png, distances.png");
    }
}
