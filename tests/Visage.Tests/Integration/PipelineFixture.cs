using Visage.Imaging;
using Visage.Models;
using Visage.Recognition;
using Visage.Evaluation;

namespace Visage.Tests.Integration;

/// <summary>
/// One face pipeline for the whole integration run (loading it fetches the model pack on first use), and
/// the subject face of every photo analysed so far, so that no photo is encoded twice.
/// </summary>
public sealed class PipelineFixture : IAsyncLifetime
{
    private readonly Dictionary<string, Face> _subjects = new(StringComparer.Ordinal);
    private readonly List<string> _fallbacks = [];
    private FacePipeline? _pipeline;
    private SubjectEncoder? _encoder;

    internal ModelPack Pack => ModelCatalog.Default;

    internal ModelStore Store { get; } = new(VisageHome.FromEnvironment());

    internal FacePipeline Pipeline =>
        _pipeline ?? throw new InvalidOperationException("the pipeline fixture has not been initialised");

    /// <summary>Photos where the detector found no face and the central box was analysed instead.</summary>
    public IReadOnlyList<string> CentralBoxFallbacks => _fallbacks;

    public int PhotosAnalysed => _subjects.Count;

    public async Task InitializeAsync()
    {
        _pipeline = await FacePipeline.LoadAsync(Pack, Store);
        _encoder = new SubjectEncoder(_pipeline);
    }

    public Task DisposeAsync()
    {
        _pipeline?.Dispose();
        return Task.CompletedTask;
    }

    /// <summary>
    /// The face a portrait is of, chosen as <c>visage evaluate</c> chooses it (<see cref="SubjectEncoder"/>):
    /// the most central detected face, or the central box when none is found.
    /// </summary>
    public Face SubjectOf(string path)
    {
        var key = Path.GetFullPath(path);
        if (_subjects.TryGetValue(key, out var cached)) return cached;

        using var image = ImageReader.Read(key);
        var encoder = _encoder ?? throw new InvalidOperationException("the pipeline fixture has not been initialised");
        var (subject, source) = encoder.FindSubject(image);
        if (source == SubjectSource.CentralBox) _fallbacks.Add(key);
        _subjects[key] = subject;
        return subject;
    }
}

[CollectionDefinition(Name)]
public sealed class IntegrationCollection : ICollectionFixture<PipelineFixture>
{
    public const string Name = "Integration: one shared face pipeline";
}
