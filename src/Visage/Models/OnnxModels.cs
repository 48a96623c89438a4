using Visage.Models.Tfjs;

namespace Visage.Models;

/// <summary>
/// The bytes of a network as an ONNX model with a free batch dimension, whatever form a package ships it
/// in: an <c>.onnx</c> file (its fixed batch of one made free) or a TensorFlow.js graph model (<c>.json</c>
/// with its <c>.bin</c> shards beside it), converted in memory. Every network of a pack is loaded through here.
/// </summary>
internal static class OnnxModels
{
    /// <param name="path">The installed file.</param>
    /// <param name="outputs">For a TensorFlow.js model, the nodes to keep as outputs (by default its signature's).</param>
    public static byte[] Read(string path, IReadOnlyList<string>? outputs = null)
    {
        if (path.EndsWith(".json", StringComparison.OrdinalIgnoreCase))
            return TfjsGraphConverter.Convert(path, outputs);
        byte[] bytes;
        try
        {
            bytes = File.ReadAllBytes(path);
        }
        catch (Exception e) when (e is FileNotFoundException or DirectoryNotFoundException)
        {
            throw new VisageException($"{path}: no such model file");
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new VisageException($"{path}: cannot read model file ({e.Message})");
        }
        return OnnxBatching.MakeBatchDynamic(bytes);
    }

    /// <summary>
    /// What converting the file changed beyond translating ops, for a pipeline's fingerprint: empty for an
    /// <c>.onnx</c> file and for a TensorFlow.js model read as written, so those fingerprints stay as they were.
    /// </summary>
    public static string ConversionNote(string path)
    {
        if (!path.EndsWith(".json", StringComparison.OrdinalIgnoreCase)) return "";
        var repaired = TfjsGraphModel.Load(path).RepairedPrelus.Count;
        return repaired == 0 ? "" : $" with {repaired} misfused PReLUs read as trained";
    }
}
