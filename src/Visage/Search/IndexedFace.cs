namespace Visage.Search;

/// <summary>One face as a search index holds it: its store id, whose it is, and its encoding.</summary>
internal readonly record struct IndexedFace(long Id, string Identity, float[] Embedding);
