namespace Visage.Recognition;

/// <summary>
/// A face found earlier, to enroll without its photo: the encoding, where it came from (a label), a key that
/// stands for its photo in the gallery's duplicate check (a photo's SHA-256, or another stable id of 64 hex
/// digits at most), and a small JPEG crop to show (or null).
/// </summary>
public sealed record FaceToEnroll(float[] Embedding, string Source, string Key, byte[]? Crop);
