using Visage.Recognition;

namespace Visage.Search;

/// <summary>The nearest identities of a search, in <see cref="FaceMatcher"/>'s order: distance, then name.</summary>
internal static class IdentityRanking
{
    public static int Compare(IdentityDistance a, IdentityDistance b)
    {
        var byDistance = a.Distance.CompareTo(b.Distance);
        return byDistance != 0 ? byDistance : string.CompareOrdinal(a.Identity, b.Identity);
    }

    private static readonly Comparer<IdentityDistance> Nearest = Comparer<IdentityDistance>.Create(Compare);
    private static readonly Comparer<IdentityDistance> Farthest = Comparer<IdentityDistance>.Create((a, b) => Compare(b, a));

    /// <summary>The first <paramref name="count"/> of <paramref name="candidates"/> in order.</summary>
    public static IReadOnlyList<IdentityDistance> Top(IEnumerable<IdentityDistance> candidates, int count)
    {
        if (count <= 0) return [];
        if (candidates is List<IdentityDistance> all && all.Count <= count)
        {
            all.Sort(Nearest);
            return all;
        }
        // A bounded heap whose root is the farthest kept, so a nearer candidate replaces it.
        var kept = new PriorityQueue<IdentityDistance, IdentityDistance>(Farthest);
        foreach (var candidate in candidates)
        {
            if (kept.Count < count)
                kept.Enqueue(candidate, candidate);
            else if (Compare(candidate, kept.Peek()) < 0)
                kept.EnqueueDequeue(candidate, candidate);
        }
        var result = new List<IdentityDistance>(kept.Count);
        while (kept.Count > 0) result.Add(kept.Dequeue());
        result.Sort(Nearest);
        return result;
    }
}
