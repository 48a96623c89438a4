using Visage.Detection;
using Visage.Imaging;
using Visage.Models;
using Visage.Recognition;

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

    public ModelPack Pack => ModelCatalog.Default;

    public ModelStore Store { get; } = new(VisageHome.FromEnvironment());

    public FacePipeline Pipeline =>
        _pipeline ?? throw new InvalidOperationException("the pipeline fixture has not been initialised");

    /// <summary>Photos where the detector found no face and the central box was analysed instead.</summary>
    public IReadOnlyList<string> CentralBoxFallbacks => _fallbacks;

    public int PhotosAnalysed => _subjects.Count;

    public async Task InitializeAsync() => _pipeline = await FacePipeline.LoadAsync(Pack, Store);

    public Task DisposeAsync()
    {
        _pipeline?.Dispose();
        return Task.CompletedTask;
    }

    /// <summary>
    /// The face a portrait is of: the most central one the detector finds, or, when it finds none, the
    /// central 40% box of the photo (where LFW's funneled photos put the face).
    /// </summary>
    public Face SubjectOf(string path)
    {
        var key = Path.GetFullPath(path);
        if (_subjects.TryGetValue(key, out var cached)) return cached;

        using var image = ImageReader.Read(key);
        var faces = Pipeline.Analyze(image.Pixels);
        if (faces.Count == 0)
        {
            _fallbacks.Add(key);
            var box = new FaceBox(0.3f * image.Width, 0.3f * image.Height, 0.4f * image.Width, 0.4f * image.Height);
            faces = Pipeline.Analyze(image.Pixels, [new DetectedFace(box, 0)]);
        }
        var subject = FaceSelection.MostCentral(faces, image.Width, image.Height);
        _subjects[key] = subject;
        return subject;
    }
}

[CollectionDefinition(Name)]
public sealed class IntegrationCollection : ICollectionFixture<PipelineFixture>
{
    public const string Name = "Integration: one shared face pipeline";
}
