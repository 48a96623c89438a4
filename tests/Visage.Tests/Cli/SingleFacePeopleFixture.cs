using Visage.Imaging;
using Visage.Models;
using Visage.Recognition;
using Visage.Tests.TestData;

namespace Visage.Tests.Cli;

/// <summary>
/// LFW people whose first two photos each show exactly one face: many LFW photos have bystanders, and a
/// photo with several faces is (rightly) skipped at enrolment, which is not what these tests are about.
/// </summary>
public sealed class SingleFacePeopleFixture : IAsyncLifetime
{
    public IReadOnlyList<string> People { get; private set; } = [];

    public async Task InitializeAsync()
    {
        using var pipeline = await FacePipeline.LoadAsync(ModelCatalog.Default, new ModelStore(VisageHome.FromEnvironment()));
        var chosen = new List<string>();
        foreach (var person in Lfw.People())
        {
            var photos = Lfw.PhotosOf(person);
            if (photos.Count < 2) continue;
            if (photos.Take(2).All(photo =>
                {
                    using var image = ImageReader.Read(photo);
                    return pipeline.Detect(image.Pixels).Count == 1;
                }))
                chosen.Add(person);
            if (chosen.Count == 3) break;
        }
        People = chosen;
    }

    public Task DisposeAsync() => Task.CompletedTask;
}
