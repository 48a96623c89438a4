using Visage.Tests.TestData;

namespace Visage.Tests.Server;

/// <summary>
/// LFW photos for the service tests, chosen with the recognizer itself: people whose photos each show exactly
/// one face (many LFW photos have bystanders), the first found in name order, so every run picks the same.
/// </summary>
internal static class ServicePhotos
{
    private static readonly Lock Gate = new();
    private static readonly Dictionary<int, IReadOnlyList<(string Person, IReadOnlyList<string> Photos)>> Chosen = new();

    /// <summary><paramref name="count"/> people with at least <paramref name="photos"/> single-face photos each.</summary>
    public static IReadOnlyList<(string Person, IReadOnlyList<string> Photos)> People(FaceRecognizer recognizer, int count,
        int photos)
    {
        lock (Gate)
        {
            var key = count * 1000 + photos;
            if (Chosen.TryGetValue(key, out var known)) return known;
            var found = new List<(string, IReadOnlyList<string>)>();
            foreach (var person in Lfw.People())
            {
                var all = Lfw.PhotosOf(person);
                if (all.Count < photos) continue;
                var single = all.Where(p =>
                {
                    using var image = recognizer.ReadImageAsync(p).GetAwaiter().GetResult();
                    return recognizer.Detect(image).Count == 1;
                }).Take(photos).ToList();
                if (single.Count == photos) found.Add((person, single));
                if (found.Count == count) break;
            }
            if (found.Count < count)
                throw new InvalidOperationException($"only {found.Count} LFW people have {photos} single-face photos");
            Chosen[key] = found;
            return found;
        }
    }
}
