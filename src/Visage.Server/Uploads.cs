using Microsoft.AspNetCore.Http;
using Visage.Imaging;
using Visage.Recognition;

namespace Visage.Server;

/// <summary>
/// Photos sent in multipart fields. They are decoded from memory and never written to disk; the name the
/// client gave a file is only a label in messages and in the gallery (printable, without folders, cut short).
/// </summary>
internal static class Uploads
{
    /// <summary>How an uploaded file is named in messages: <c>image 'door.jpg'</c>.</summary>
    public static string Label(string field, IFormFile file)
    {
        var name = Path.GetFileName(file.FileName.Replace('\\', '/'));
        name = PersonName.Printable(name.Length > 100 ? name[..100] : name);
        return name.Length == 0 ? field : $"{field} '{name}'";
    }

    public static async Task<FaceImage> DecodeAsync(FaceRecognizer recognizer, string field, IFormFile file,
        CancellationToken ct)
    {
        var bytes = await ReadAsync(file, ct);
        return recognizer.DecodeImage(bytes, Label(field, file));
    }

    public static async Task<byte[]> ReadAsync(IFormFile file, CancellationToken ct)
    {
        using var buffer = new MemoryStream(checked((int)Math.Min(file.Length, int.MaxValue)));
        await file.CopyToAsync(buffer, ct);
        return buffer.ToArray();
    }

    /// <summary>The refusal for a required photo field that was not sent.</summary>
    public static IResult Missing(string field) =>
        Problems.Result(StatusCodes.Status400BadRequest,
            $"{field}: missing (send the photo as the multipart/form-data field '{field}')",
            new Dictionary<string, object?> { ["field"] = field });
}
