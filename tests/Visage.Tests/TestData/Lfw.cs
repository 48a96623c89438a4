namespace Visage.Tests.TestData;

/// <summary>The LFW photos in the shared data: one folder per person, photos in ordinal order of file name.</summary>
internal static class Lfw
{
    public static IReadOnlyList<string> People() =>
        Directory.EnumerateDirectories(SharedData.LfwImages)
            .Select(folder => Path.GetFileName(folder))
            .Order(StringComparer.Ordinal)
            .ToList();

    public static IReadOnlyList<string> PhotosOf(string person) =>
        Directory.EnumerateFiles(Path.Combine(SharedData.LfwImages, person), "*.jpg")
            .Order(StringComparer.Ordinal)
            .ToList();

    /// <summary>The first <paramref name="count"/> people, in ordinal order of name, with at least two photos.</summary>
    public static IReadOnlyList<string> PeopleWithTwoPhotos(int count)
    {
        var chosen = People().Where(p => PhotosOf(p).Count >= 2).Take(count).ToList();
        if (chosen.Count < count)
            throw new InvalidOperationException(
                $"{SharedData.LfwImages}: only {chosen.Count} people have two or more photos, {count} wanted");
        return chosen;
    }

    /// <summary>
    /// The first photo of each of the first <paramref name="people"/> people with two photos, then two LFW people side by
    /// side in one photo written to <paramref name="twoFaces"/>: single faces and a photo with two.
    /// </summary>
    public static List<string> FirstPhotosAndTwoFaces(int people, string twoFaces)
    {
        var photos = PeopleWithTwoPhotos(people).Select(p => PhotosOf(p)[0]).ToList();
        photos.Add(Composite.SideBySide(PhotosOf("Aaron_Guiel")[0], PhotosOf("AJ_Cook")[0], twoFaces));
        return photos;
    }

    /// <summary>
    /// The seed's layout of known people: photo 1 of each person copied to <c>FOLDER/NAME.jpg</c>.
    /// </summary>
    public static string CopyFirstPhotos(IEnumerable<string> people, string folder)
    {
        Directory.CreateDirectory(folder);
        foreach (var person in people)
            File.Copy(PhotosOf(person)[0], Path.Combine(folder, person + ".jpg"));
        return folder;
    }
}
