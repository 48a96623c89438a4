namespace Visage.ClusterBench;

/// <summary>
/// Faces to cluster and, for scoring, the person each is of: <c>Person[i]</c> is face i's person, or -1 for a face
/// nobody labelled (a bystander in an LFW photo), clustered but not scored. <see cref="Missed"/> holds the person of
/// each labelled photo whose face the detector did not find: scored as faces left unassigned.
/// </summary>
internal sealed record LabelledFaces(string Name, IReadOnlyList<float[]> Encodings, IReadOnlyList<int> Person,
    IReadOnlyList<int> Missed, string Description);
