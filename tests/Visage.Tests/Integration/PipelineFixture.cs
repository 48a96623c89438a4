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
        // One network run per thread: photos are analysed on every core at once (see SubjectsOf).
        _pipeline = await FacePipeline.LoadAsync(Pack, Store, new PipelineOptions(IntraOpThreads: 1));
        _encoder = new SubjectEncoder(_pipeline);
    }

    public Task DisposeAsync()
    {
        _pipeline?.Dispose();
        return Task.CompletedTask;
    }

    /// <summary>The subjects of many photos, those not analysed yet on every core at once.</summary>
    public IReadOnlyList<Face> SubjectsOf(IEnumerable<string> paths)
    {
        var keys = paths.Select(p => Path.GetFullPath(p)).ToList();
        var missing = keys.Distinct(StringComparer.Ordinal).Where(k => !_subjects.ContainsKey(k)).ToList();
        var encoder = _encoder ?? throw new InvalidOperationException("the pipeline fixture has not been initialised");
        var found = OrderedParallel.Map(missing, Environment.ProcessorCount, key =>
        {
            using var image = ImageReader.Read(key);
            return encoder.FindSubject(image);
        });
        for (var i = 0; i < missing.Count; i++)
        {
            if (found[i].Source == SubjectSource.CentralBox) _fallbacks.Add(missing[i]);
            _subjects[missing[i]] = found[i].Face;
        }
        return keys.Select(k => _subjects[k]).ToList();
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
