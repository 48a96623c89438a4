using Visage.Server.Security;
using StrangerFaces = Visage.Server.Strangers.Strangers;

namespace Visage.Server.Hosting;

/// <summary>
/// What one running service holds: the loaded recognizer, the people of its gallery, its keys and settings.
/// Endpoints take it from dependency injection; background workers (cameras, later) take the same instance,
/// so every part of the service shares the loaded networks and the one gallery.
/// </summary>
public sealed class VisageService : IDisposable
{
    private readonly bool _ownsRecognizer;

    private VisageService(ServerOptions options, FaceRecognizer recognizer, People people, ApiKeyStore keys,
        string dataFolder, bool ownsRecognizer, StrangerFaces strangers)
    {
        Strangers = strangers;
        Options = options;
        Recognizer = recognizer;
        People = people;
        Keys = keys;
        DataFolder = dataFolder;
        _ownsRecognizer = ownsRecognizer;
        LiveSessions = new LiveSessions(options);
    }

    public ServerOptions Options { get; }
    public FaceRecognizer Recognizer { get; }
    public People People { get; }
    public ApiKeyStore Keys { get; }
    public string DataFolder { get; }
    public LiveSessions LiveSessions { get; }

    /// <summary>The unknown faces seen (recognize, live frames, cameras), grouped; report one with <c>ReportAsync</c>.</summary>
    public StrangerFaces Strangers { get; }

    /// <summary>
    /// Makes sure the recognizer has its liveness network (the library's default one), loading it on first need:
    /// a camera with <c>liveness</c> on, or a recognition asked with <c>liveness=true</c>. Its faces are judged at
    /// the recognizer's <see cref="RecognizerOptions.LivenessThreshold"/>, else the model's. Nothing else changes:
    /// the recognizer, the gallery and the cameras running stay as they are.
    /// </summary>
    public Task EnsureLivenessAsync(CancellationToken ct = default) =>
        Recognizer.LivenessModel is not null ? Task.CompletedTask : Recognizer.LoadLivenessAsync(ct: ct);

    /// <summary>The gallery as the options name it (what responses call <c>gallery</c>), a store URL without its password.</summary>
    public string Gallery => People.Shown(Options.Gallery);

    /// <summary>The last calibration's plot (PNG), in the data folder under a name the service chose.</summary>
    public string CalibrationPlotPath => Path.Combine(DataFolder, "calibration.png");

    /// <summary>
    /// Opens the gallery (created when missing) and the key file. The recognizer is shared, not owned, unless
    /// <paramref name="ownsRecognizer"/>: tests host many services on one loaded recognizer.
    /// </summary>
    public static async Task<VisageService> OpenAsync(ServerOptions options, FaceRecognizer recognizer,
        bool ownsRecognizer = false, CancellationToken ct = default)
    {
        var dataFolder = Server.DataFolder.Ensure(options.DataFolder);
        var keys = ApiKeyStore.Open(dataFolder);
        var people = await People.OpenAsync(recognizer, options.Gallery,
            new PeopleOptions { CreateIfMissing = true, Threshold = options.Threshold }, ct: ct);
        try
        {
            var strangers = StrangerFaces.Open(dataFolder, people, options.Strangers);
            return new VisageService(options, recognizer, people, keys, dataFolder, ownsRecognizer, strangers);
        }
        catch
        {
            people.Dispose();
            throw;
        }
    }

    public void Dispose()
    {
        Strangers.Dispose();
        People.Dispose();
        if (_ownsRecognizer) Recognizer.Dispose();
    }
}
