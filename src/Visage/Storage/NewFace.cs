namespace Visage.Storage;

/// <summary>A face to enrol.</summary>
public sealed record NewFace(string Identity, float[] Embedding, string SourcePath, string ImageSha256);
