using Visage.Recognition;
using ScottPlot;

namespace Visage.Evaluation;

/// <summary>PNG plots of a verifier: its ROC curve and its same- and different-person distance distributions.</summary>
public static class DistancePlots
{
    public static void WriteRoc(string path, IReadOnlyList<RocPoint> roc, string title)
    {
        var plot = new Plot();
        var curve = plot.Add.Scatter(
            roc.Select(p => Math.Max(p.FalseAcceptRate, 1e-4)).Select(Math.Log10).ToArray(),
            roc.Select(p => p.TrueAcceptRate).ToArray());
        curve.MarkerSize = 0;
        curve.LineWidth = 2;
        plot.Axes.Bottom.TickGenerator = new ScottPlot.TickGenerators.NumericManual(
            [-4, -3, -2, -1, 0], ["1e-4", "1e-3", "0.01", "0.1", "1"]);
        // Start the vertical axis where the curve enters the plotted range, so a good curve is not a flat line at the top.
        var lowest = roc.Where(p => p.FalseAcceptRate >= 1e-4).Select(p => p.TrueAcceptRate).DefaultIfEmpty(0).Min();
        plot.Axes.SetLimits(-4, 0, Math.Max(0, lowest - 0.02), 1.005);
        plot.Title(title);
        plot.XLabel("false accept rate (log scale)");
        plot.YLabel("true accept rate");
        Save(plot, path);
    }

    public static void WriteDistributions(string path, IReadOnlyList<LabelledDistance> distances, float threshold,
        string title)
    {
        var all = distances.Select(d => (double)d.Distance).ToArray();
        double min = Math.Min(all.Min(), threshold), max = Math.Max(all.Max(), threshold);
        const int bins = 50;
        var width = (max - min) / bins;
        if (width <= 0) width = 1e-3;

        var plot = new Plot();
        AddHistogram(plot, distances.Where(d => d.SamePerson).Select(d => (double)d.Distance), min, width, bins,
            Colors.SeaGreen, "same person");
        AddHistogram(plot, distances.Where(d => !d.SamePerson).Select(d => (double)d.Distance), min, width, bins,
            Colors.OrangeRed, "different people");
        var line = plot.Add.VerticalLine(threshold, 2, Colors.Black);
        line.LegendText = $"threshold {threshold:0.####}";
        line.LinePattern = LinePattern.Dashed;
        plot.ShowLegend(ScottPlot.Alignment.UpperRight);
        plot.Title(title);
        plot.XLabel("Euclidean distance between encodings");
        plot.YLabel("share of pairs");
        Save(plot, path);
    }

    private static void AddHistogram(Plot plot, IEnumerable<double> values, double min, double width, int bins,
        Color color, string label)
    {
        var counts = new double[bins];
        var total = 0;
        foreach (var v in values)
        {
            counts[Math.Clamp((int)((v - min) / width), 0, bins - 1)]++;
            total++;
        }
        if (total == 0) return;
        var bars = plot.Add.Bars(
            Enumerable.Range(0, bins).Select(i => min + (i + 0.5) * width).ToArray(),
            counts.Select(c => c / total).ToArray());
        foreach (var bar in bars.Bars)
        {
            bar.Size = width;
            bar.FillColor = color.WithAlpha(0.55);
            bar.LineWidth = 0;
        }
        bars.LegendText = label;
    }

    private static void Save(Plot plot, string path)
    {
        try
        {
            plot.SavePng(path, 800, 500);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new VisageException($"{path}: cannot write plot ({e.Message})");
        }
    }
}
