namespace Visage.Storage;

/// <summary>A face as a search index needs it: its id, whose it is, its encoding (nothing else is read).</summary>
internal readonly record struct StoredEncoding(long Id, string Identity, float[] Embedding);
