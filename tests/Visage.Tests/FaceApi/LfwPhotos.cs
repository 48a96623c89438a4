using Visage.Evaluation;
using Visage.Recognition;
using Visage.Tests.TestData;

namespace Visage.Tests.FaceApi;

/// <summary>LFW photos by person and number, from the shared data.</summary>
internal static class LfwPhotos
{
    public static string Photo(string person, int index)
    {
        var path = LfwPairs.ImagePath(SharedData.LfwImages, person, index);
        return File.Exists(path) ? path : throw new FileNotFoundException($"LFW photo not found: {path}", path);
    }
}
