using Visage.Recognition;

namespace Visage.Search;

/// <summary>
/// The enrolled faces, searchable by encoding. A search answers as <see cref="FaceMatcher"/> does: the distance
/// to an identity is the Euclidean distance to its nearest face, identities come nearest first, ties by name
/// (ordinal). Every member is safe to call from several threads at once.
/// </summary>
internal interface IFaceIndex : IDisposable
{
    /// <summary>"exact" or "hnsw": how <see cref="Search"/> finds faces.</summary>
    string Kind { get; }

    int Dimensions { get; }

    /// <summary>Faces held.</summary>
    int Count { get; }

    /// <summary>Identities with at least one face.</summary>
    int IdentityCount { get; }

    bool Contains(long faceId);

    /// <summary>Every face held, by id, with its identity (no encodings): to reconcile with a store.</summary>
    IReadOnlyDictionary<long, string> FaceIdentities();

    /// <summary>Adds faces; an id already held, or an encoding of the wrong length, refuses the whole batch.</summary>
    void Add(IReadOnlyList<IndexedFace> faces);

    /// <summary>Removes the faces held among <paramref name="faceIds"/>; returns how many were.</summary>
    int Remove(IReadOnlyCollection<long> faceIds);

    /// <summary>Removes every face of the identity; returns how many there were.</summary>
    int RemoveIdentity(string identity);

    /// <summary>Gives the faces of <paramref name="from"/> to <paramref name="to"/> (a merge when it has faces).</summary>
    void RenameIdentity(string from, string to);

    /// <summary>
    /// The <paramref name="identities"/> nearest identities to the encoding (all of them for
    /// <see cref="int.MaxValue"/>), nearest first, ties by name.
    /// </summary>
    IReadOnlyList<IdentityDistance> Search(ReadOnlySpan<float> query, int identities);
}
