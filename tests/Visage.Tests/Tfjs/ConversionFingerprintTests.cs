namespace Visage.Tests.Tfjs;

/// <summary>
/// A pipeline's fingerprint says when the converter read a network otherwise than its file is written (a
/// repaired PReLU), so encodings cached or enrolled before the repair are not mixed with new ones; every other
/// pack keeps the fingerprint its galleries were bound to.
/// </summary>
[Collection(RegistryNetworksCollection.Name)]
public sealed class ConversionFingerprintTests
{
    [Theory]
    [InlineData("mobilefacenet", true)]
    [InlineData("faceres", false)]
    [InlineData("face-api-resnet34", false)]
    [InlineData("faceplugin-mesh", false)]
    public async Task Only_a_repaired_conversion_is_named_in_the_fingerprint(string pack, bool repaired)
    {
        using var recognizer = await FaceRecognizer.LoadAsync(new RecognizerOptions { Model = pack, Threads = 1 });

        Assert.Equal(repaired, recognizer.Fingerprint.Description.Contains("misfused PReLUs read as trained"));
    }
}
