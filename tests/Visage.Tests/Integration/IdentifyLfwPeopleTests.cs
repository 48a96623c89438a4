using System.Globalization;
using Visage.Recognition;
using Visage.Tests.TestData;
using Xunit.Abstractions;

namespace Visage.Tests.Integration;

/// <summary>Twenty LFW people enrolled from photo 1, identified from photo 2 at the catalogue's threshold.</summary>
[Collection(IntegrationCollection.Name)]
public sealed class IdentifyLfwPeopleTests(PipelineFixture fixture, ITestOutputHelper output) : IDisposable
{
    private readonly TempFolder _temp = new();

    public void Dispose() => _temp.Dispose();

    [Fact]
    public async Task Nineteen_of_twenty_enrolled_people_are_named_from_another_photo()
    {
        var matcher = new FaceMatcher(await LfwGallery.EnrolFirstPhotosAsync(fixture.Pipeline, _temp.Path));

        var right = 0;
        foreach (var person in LfwGallery.People)
        {
            var found = matcher.Identify(fixture.SubjectOf(Lfw.PhotosOf(person)[1]), fixture.Pack.DefaultThreshold);
            if (found.Identity == person) right++;
            output.WriteLine($"{person}: {found.Identity ?? "unknown"} (nearest {found.Nearest} at {D(found.Distance)})");
        }
        output.WriteLine($"{right} of {LfwGallery.People.Count} right at threshold {D(fixture.Pack.DefaultThreshold)}");

        Assert.True(right >= 19, $"only {right} of {LfwGallery.People.Count} people were named right");
    }

    [Fact]
    public async Task A_person_not_enrolled_is_unknown()
    {
        var matcher = new FaceMatcher(await LfwGallery.EnrolFirstPhotosAsync(fixture.Pipeline, _temp.Path));
        var stranger = Lfw.People().First(p => !LfwGallery.People.Contains(p));

        var found = matcher.Identify(fixture.SubjectOf(Lfw.PhotosOf(stranger)[0]), fixture.Pack.DefaultThreshold);
        output.WriteLine($"{stranger}: nearest {found.Nearest} at {D(found.Distance)}");

        Assert.False(found.IsKnown, $"{stranger}, never enrolled, was named {found.Identity} at {D(found.Distance)}");
        Assert.Null(found.Identity);
        Assert.NotNull(found.Nearest);
        Assert.True(found.Distance > fixture.Pack.DefaultThreshold);
        Assert.Equal(LfwGallery.People.Count, found.Distances.Count);
    }

    private static string D(float distance) => distance.ToString("0.000", CultureInfo.InvariantCulture);
}
