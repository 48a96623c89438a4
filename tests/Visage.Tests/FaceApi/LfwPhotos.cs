namespace Visage.Tests.FaceApi;

/// <summary>
/// LFW photos from the shared data: <c>$VISAGE_SHARED</c>, or <c>../shared</c> beside the folder that
/// holds Visage.sln.
/// </summary>
internal static class LfwPhotos
{
    public static string Photo(string person, int index)
    {
        var path = Path.Combine(SharedRoot(), "data", "lfw", "images", person, $"{person}_{index:D4}.jpg");
        return File.Exists(path) ? path : throw new FileNotFoundException($"LFW photo not found: {path}", path);
    }

    private static string SharedRoot()
    {
        var configured = Environment.GetEnvironmentVariable("VISAGE_SHARED");
        if (!string.IsNullOrWhiteSpace(configured)) return configured;
        for (var folder = new DirectoryInfo(AppContext.BaseDirectory); folder is not null; folder = folder.Parent)
        {
            if (File.Exists(Path.Combine(folder.FullName, "Visage.sln")))
                return Path.Combine(folder.FullName, "..", "shared");
        }
        throw new DirectoryNotFoundException(
            $"no Visage.sln above {AppContext.BaseDirectory}; set VISAGE_SHARED to the shared data folder");
    }
}
