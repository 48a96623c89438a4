using Visage.Imaging;
using Visage.Recognition;
using Visage.Tests.TestData;
using Xunit.Abstractions;

namespace Visage.Tests.Integration;

/// <summary>One picture of two enrolled people side by side: both found, both named, each on its own side.</summary>
[Collection(IntegrationCollection.Name)]
public sealed class TwoPeoplePhotoTests(PipelineFixture fixture, ITestOutputHelper output) : IDisposable
{
    private readonly TempFolder _temp = new();

    public void Dispose() => _temp.Dispose();

    [Theory]
    [InlineData(0, 1)]
    [InlineData(1, 0)]
    public async Task Both_people_are_found_and_named_on_their_side(int leftIndex, int rightIndex)
    {
        var matcher = new FaceMatcher(await LfwGallery.EnrolFirstPhotosAsync(fixture.Pipeline, _temp.Path));
        var (left, right) = (LfwGallery.People[leftIndex], LfwGallery.People[rightIndex]);
        // Photo 2 of each: not the enrolled photo, and one face alone.
        var path = Composite.SideBySide(Lfw.PhotosOf(left)[1], Lfw.PhotosOf(right)[1], _temp.File("two.jpg"));

        using var image = ImageReader.Read(path);
        var found = fixture.Pipeline.Analyze(image.Pixels)
            .Select(face => matcher.Identify(face, fixture.Pack.DefaultThreshold))
            .ToList();
        foreach (var f in found)
            output.WriteLine($"{f.Face.Box}: {f.Identity ?? "unknown"} (nearest {f.Nearest} at {f.Distance:0.000})");

        Assert.Equal(2, found.Count);
        var middle = image.Width / 2f;
        var leftFace = Assert.Single(found, f => f.Identity == left);
        Assert.True(leftFace.Face.Box.Center.X < middle, $"{left}, on the left, was found at {leftFace.Face.Box}");
        var rightFace = Assert.Single(found, f => f.Identity == right);
        Assert.True(rightFace.Face.Box.Center.X > middle, $"{right}, on the right, was found at {rightFace.Face.Box}");
    }
}
