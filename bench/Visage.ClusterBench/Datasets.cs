using Visage.Tests.TestData;

namespace Visage.ClusterBench;

/// <summary>The two sets the methods are measured on.</summary>
internal static class Datasets
{
    /// <summary>Every photo's subject (the most central face; the central box when none is detected).</summary>
    public static LabelledFaces Portraits(LfwPeople lfw, FaceSource source)
    {
        var encodings = new List<float[]>();
        var person = new List<int>();
        var fallbacks = 0;
        foreach (var (path, who) in lfw.Photos)
        {
            var (embedding, detected) = source.Subject(path);
            encodings.Add(embedding);
            person.Add(who);
            if (!detected) fallbacks++;
        }
        return new LabelledFaces("portraits", encodings, person, [],
            $"{lfw.Photos.Count} photos of {lfw.Names.Count} people, one face each " +
            $"({fallbacks} photos with no face detected: their central box)");
    }

    /// <summary>
    /// A third of the photos (chosen with a seeded shuffle) composed into group photos of 2, 3 and 4 different
    /// people side by side, the rest left alone; every face the detector finds in any of them is clustered. A
    /// photo's person is the face nearest the centre of its tile; other faces (bystanders) are clustered, not scored;
    /// a tile where no face is found is scored as its person's face left unassigned.
    /// </summary>
    public static LabelledFaces Mix(LfwPeople lfw, FaceSource source, string workFolder, int seed = 14, int tileSize = 250)
    {
        var random = new Random(seed);
        var photos = lfw.Photos.ToArray();
        random.Shuffle(photos);
        var grouped = photos.Length / 3;
        var images = new List<IReadOnlyList<(string Path, int Person)>>();
        images.AddRange(photos.Skip(grouped).Select(p => (IReadOnlyList<(string, int)>)[p]));
        var groups = FormGroups(photos.Take(grouped).ToList(), [2, 3, 4]);
        images.AddRange(groups);
        random.Shuffle(CollectionsMarshalSpan(images));

        Directory.CreateDirectory(workFolder);
        var encodings = new List<float[]>();
        var person = new List<int>();
        var missed = new List<int>();
        var bystanders = 0;
        for (var i = 0; i < images.Count; i++)
        {
            var tiles = images[i];
            string path;
            int tile;
            if (tiles.Count == 1)
            {
                path = tiles[0].Path;
                tile = 250;
            }
            else
            {
                path = Composite.Row(tiles.Select(t => t.Path).ToList(), Path.Combine(workFolder, $"group{i:0000}.jpg"), tileSize);
                tile = tileSize;
            }
            var faces = source.AllFaces(path).Faces;
            var subjectOfTile = new int[tiles.Count];
            Array.Fill(subjectOfTile, -1);
            var nearest = new float[tiles.Count];
            Array.Fill(nearest, float.PositiveInfinity);
            for (var f = 0; f < faces.Count; f++)
            {
                var centre = faces[f].Box.Center;
                var t = Math.Clamp((int)(centre.X / tile), 0, tiles.Count - 1);
                var dx = centre.X - (t + 0.5f) * tile;
                var dy = centre.Y - 0.5f * tile;
                if (dx * dx + dy * dy < nearest[t]) { nearest[t] = dx * dx + dy * dy; subjectOfTile[t] = f; }
            }
            for (var f = 0; f < faces.Count; f++)
            {
                var t = Array.IndexOf(subjectOfTile, f);
                encodings.Add(faces[f].Embedding);
                person.Add(t >= 0 ? tiles[t].Person : -1);
                if (t < 0) bystanders++;
            }
            for (var t = 0; t < tiles.Count; t++)
                if (subjectOfTile[t] < 0) missed.Add(tiles[t].Person);
        }
        return new LabelledFaces("mix", encodings, person, missed,
            $"{images.Count(t => t.Count == 1)} photos alone and {images.Where(t => t.Count > 1).Sum(t => t.Count)} in {images.Count(t => t.Count > 1)} group photos of 2-4 people " +
            $"({tileSize}px per person); {encodings.Count} faces found: {encodings.Count - bystanders} labelled, " +
            $"{bystanders} bystanders (clustered, not scored); {missed.Count} photos' faces not found (scored as unassigned)");
    }

    /// <summary>Photos in groups of the given sizes in turn, no person twice in a group, in the given order.</summary>
    private static List<IReadOnlyList<(string Path, int Person)>> FormGroups(List<(string Path, int Person)> pool, int[] sizes)
    {
        var groups = new List<IReadOnlyList<(string, int)>>();
        var waiting = new LinkedList<(string Path, int Person)>(pool);
        while (waiting.Count > 0)
        {
            var size = sizes[groups.Count % sizes.Length];
            var group = new List<(string Path, int Person)>();
            for (var node = waiting.First; node is not null && group.Count < size;)
            {
                var next = node.Next;
                if (group.All(g => g.Person != node.Value.Person))
                {
                    group.Add(node.Value);
                    waiting.Remove(node);
                }
                node = next;
            }
            groups.Add(group);
        }
        return groups;
    }

    private static Span<T> CollectionsMarshalSpan<T>(List<T> list) => System.Runtime.InteropServices.CollectionsMarshal.AsSpan(list);
}
