using System.Net;
using System.Text;
using Visage.Recognition;

namespace Visage.Cli;

/// <summary>
/// One self-contained HTML page of a grouping: each person a strip of face crops (JPEG data URIs, inline CSS, no
/// script, nothing fetched), enrolled people first, then the groups of strangers with the command that names them.
/// </summary>
internal static class ClusterPage
{
    public static async Task WriteAsync(string path, string folder, string? db, FaceGrouping grouping,
        FaceRecognizer recognizer, CancellationToken ct)
    {
        var crops = await CropsAsync(recognizer, grouping, ct);
        var html = new StringBuilder();
        html.Append("""
            <!DOCTYPE html>
            <html lang="en"><head><meta charset="utf-8"><title>Visage: faces of 
            """).Append(E(folder)).Append("""
            </title>
            <style>
            body { font-family: system-ui, sans-serif; margin: 24px; background: #f6f6f4; color: #222; }
            h1 { font-size: 22px; margin: 0 0 4px; } p.summary { color: #555; margin: 0 0 20px; }
            section { background: #fff; border-radius: 8px; padding: 12px 16px; margin-bottom: 14px; box-shadow: 0 1px 3px #0002; }
            h2 { font-size: 16px; margin: 0 0 8px; } h2 .known { color: #1a7f37; } h2 .stranger { color: #9a6700; }
            .meta { color: #666; font-weight: normal; font-size: 13px; margin-left: 8px; }
            .strip { display: flex; gap: 8px; overflow-x: auto; padding-bottom: 4px; }
            figure { margin: 0; text-align: center; } figure img { width: 96px; height: 96px; object-fit: cover; border-radius: 6px; display: block; }
            figcaption { font-size: 11px; color: #666; max-width: 96px; overflow: hidden; text-overflow: ellipsis; white-space: nowrap; }
            code { background: #f0f0ee; padding: 2px 6px; border-radius: 4px; font-size: 12px; }
            </style></head><body>
            """);
        html.Append("<h1>Faces of ").Append(E(folder)).Append("</h1><p class=\"summary\">")
            .Append(grouping.FacesFound).Append(" faces in ").Append(grouping.Photos).Append(" photos: ")
            .Append(grouping.Groups.Count(g => g.Known)).Append(" people you know, ")
            .Append(grouping.Groups.Count(g => !g.Known)).Append(" groups of strangers, ")
            .Append(grouping.Unassigned.Count).Append(" faces in no group.</p>\n");
        foreach (var group in grouping.Groups)
        {
            html.Append("<section class=\"group\"><h2><span class=\"").Append(group.Known ? "known" : "stranger").Append("\">")
                .Append(E(group.Name)).Append("</span><span class=\"meta\">").Append(group.Faces.Count).Append(" faces in ")
                .Append(group.Photos).Append(" photos").Append(group.Known ? ", enrolled" : $", group {E(group.Cluster!)}")
                .Append("</span></h2>");
            Strip(html, group.Faces.Select(f => f.Face), crops);
            if (!group.Known)
                html.Append("<p>Name this person: <code>visage people name-cluster ").Append(E(Quote(folder))).Append(' ')
                    .Append(E(group.Cluster!)).Append(" NAME").Append(db is null ? "" : " --db " + E(Quote(db))).Append("</code></p>");
            html.Append("</section>\n");
        }
        if (grouping.Unassigned.Count > 0)
        {
            html.Append("<section class=\"unassigned\"><h2>In no group<span class=\"meta\">").Append(grouping.Unassigned.Count)
                .Append(" faces seen once</span></h2>");
            Strip(html, grouping.Unassigned, crops);
            html.Append("</section>\n");
        }
        html.Append("</body></html>\n");
        await File.WriteAllTextAsync(path, html.ToString(), ct);
    }

    private static void Strip(StringBuilder html, IEnumerable<PhotoFace> faces, Dictionary<PhotoFace, byte[]> crops)
    {
        html.Append("<div class=\"strip\">");
        foreach (var face in faces)
        {
            var name = Path.GetFileName(face.Image);
            html.Append("<figure><img alt=\"").Append(E(name)).Append("\" title=\"").Append(E(face.Image))
                .Append("\" src=\"data:image/jpeg;base64,").Append(Convert.ToBase64String(crops[face]))
                .Append("\"><figcaption>").Append(E(name)).Append("</figcaption></figure>");
        }
        html.Append("</div>");
    }

    private static async Task<Dictionary<PhotoFace, byte[]>> CropsAsync(FaceRecognizer recognizer, FaceGrouping grouping,
        CancellationToken ct)
    {
        var faces = grouping.Groups.SelectMany(g => g.Faces.Select(f => f.Face)).Concat(grouping.Unassigned);
        var crops = new Dictionary<PhotoFace, byte[]>(ReferenceEqualityComparer.Instance);
        foreach (var photo in faces.GroupBy(f => f.Image, StringComparer.Ordinal))
        {
            var list = photo.ToList();
            var jpegs = await recognizer.CropFacesAsync(photo.Key, list.Select(f => f.Box).ToList(), 96, ct);
            for (var i = 0; i < list.Count; i++) crops[list[i]] = jpegs[i];
        }
        return crops;
    }

    private static string E(string text) => WebUtility.HtmlEncode(CliRun.Safe(text));

    private static string Quote(string text) => text.Any(c => char.IsWhiteSpace(c) || c is '\'' or '"' or '$' or '\\')
        ? "'" + text.Replace("'", "'\\''") + "'"
        : text;
}
