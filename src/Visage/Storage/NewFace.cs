namespace Visage.Storage;

/// <summary>A face to enrol: whose, its encoding, the photo it came from, and a small JPEG crop (or null).</summary>
internal sealed record NewFace(string Identity, float[] Embedding, string SourcePath, string ImageSha256,
    byte[]? Crop = null);
