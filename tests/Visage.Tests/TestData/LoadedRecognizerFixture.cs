namespace Visage.Tests.TestData;

/// <summary>
/// A recognizer loaded once with the defaults (fetching the default pack on first use) and shared by the tests of
/// a class or collection; each kind of fixture derives from it, so that the tests that share one are explicit.
/// </summary>
public abstract class LoadedRecognizerFixture : IAsyncLifetime
{
    private FaceRecognizer? _recognizer;

    public FaceRecognizer Recognizer => _recognizer ?? throw new InvalidOperationException("not loaded");

    public async Task InitializeAsync() => _recognizer = await FaceRecognizer.LoadAsync();

    public Task DisposeAsync()
    {
        _recognizer?.Dispose();
        return Task.CompletedTask;
    }
}
