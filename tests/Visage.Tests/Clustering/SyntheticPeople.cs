namespace Visage.Tests.Clustering;

/// <summary>
/// Encodings with a known answer: each person a random unit vector, each of their faces that vector plus Gaussian
/// noise; outliers are random unit vectors of their own (person -1).
/// </summary>
internal sealed record SyntheticPeople(IReadOnlyList<float[]> Encodings, IReadOnlyList<int> Person)
{
    public static SyntheticPeople Make(int[] facesPerPerson, int outliers = 0, int dimensions = 32,
        double noise = 0.05, int seed = 1)
    {
        var random = new Random(seed);
        var encodings = new List<float[]>();
        var person = new List<int>();
        for (var p = 0; p < facesPerPerson.Length; p++)
        {
            var centre = UnitVector(random, dimensions);
            for (var f = 0; f < facesPerPerson[p]; f++)
            {
                encodings.Add(centre.Select(x => (float)(x + noise * Gaussian(random))).ToArray());
                person.Add(p);
            }
        }
        for (var o = 0; o < outliers; o++)
        {
            encodings.Add(UnitVector(random, dimensions).Select(x => (float)x).ToArray());
            person.Add(-1);
        }
        return new SyntheticPeople(encodings, person);
    }

    /// <summary>The true groups: each person's faces, by face number (outliers in none).</summary>
    public HashSet<string> TrueGroups() =>
        Enumerable.Range(0, Person.Count).Where(i => Person[i] >= 0).GroupBy(i => Person[i])
            .Select(g => string.Join(',', g.Order())).ToHashSet();

    public static double[] UnitVector(Random random, int dimensions)
    {
        var v = Enumerable.Range(0, dimensions).Select(_ => Gaussian(random)).ToArray();
        var norm = Math.Sqrt(v.Sum(x => x * x));
        return v.Select(x => x / norm).ToArray();
    }

    private static double Gaussian(Random random) =>
        Math.Sqrt(-2 * Math.Log(1 - random.NextDouble())) * Math.Cos(2 * Math.PI * random.NextDouble());
}
