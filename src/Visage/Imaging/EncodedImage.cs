namespace Visage.Imaging;

/// <summary>An image file's bytes as read, not yet decoded, with their SHA-256 (lower-case hex).</summary>
internal sealed record EncodedImage(string Source, byte[] Bytes, string Sha256);
