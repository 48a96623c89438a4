namespace Visage.Search;

/// <summary>
/// How the HNSW graph stores each face's copy for finding candidates. The float32 encodings themselves are kept
/// apart (<see cref="ExactFaceIndex"/>) and give every distance reported, so a smaller kind only changes which
/// faces are found, not the distances: less memory and faster distances while the graph is built and walked.
/// </summary>
internal enum HnswScalar
{
    /// <summary>32-bit floats: the encodings as they are.</summary>
    Float32,

    /// <summary>16-bit floats (USearch converts).</summary>
    Float16,

    /// <summary>
    /// Signed bytes: each encoding scaled to unit length, then by 127 x sqrt(dimensions) / 6 and rounded (a
    /// component beyond six times a unit vector's typical one is clipped), compared by squared Euclidean.
    /// </summary>
    Int8,
}
