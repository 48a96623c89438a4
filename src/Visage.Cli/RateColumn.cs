using Spectre.Console;
using Spectre.Console.Rendering;

namespace Visage.Cli;

/// <summary>A progress column showing items (photos) per second.</summary>
internal sealed class RateColumn(string unit) : ProgressColumn
{
    public override IRenderable Render(RenderOptions options, ProgressTask task, TimeSpan deltaTime) =>
        new Text(task.Speed is { } speed ? $"{speed:0.0} {unit}/s" : $"- {unit}/s", new Style(Color.Grey));
}
