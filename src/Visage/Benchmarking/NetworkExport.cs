using System.Text.Json;
using Visage.Detection;
using Visage.Embedding;
using Visage.Execution;
using Visage.Landmarks;
using Visage.Models;
using Visage.Recognition;

namespace Visage.Benchmarking;

/// <summary>
/// Writes a pipeline's networks as the ONNX files it runs (batch dimension freed, face-api's ResNet as built in
/// C#) and a <c>networks.json</c> manifest saying what each is for and how it is fed, so that another
/// implementation (bench/peer_opencv.py) can run the very same networks on the same photos.
/// </summary>
internal static class NetworkExport
{
    public static void Save(FacePipeline pipeline, ModelChoice model, PipelineOptions options, string folder)
    {
        if (model is not ModelChoice.Pack { Value: var pack } || pipeline.Detector is not UltraFaceDetector detector
            || pipeline.Landmarker is not Landmark68Model landmarks)
            throw new VisageException("only a model pack with its own detector and the 68-point landmark network can be saved for a peer");
        try
        {
            Directory.CreateDirectory(folder);
            var entries = new List<Dictionary<string, object>>
            {
                // The graph as written, its own decode included (the peer reads its "scores" and "boxes").
                Entry("detector", Write(folder, detector.Graph)),
                Entry("landmarks", Write(folder, landmarks.Network.Model)),
            };
            var parts = pipeline.Embedder is FusedEmbedder fused ? fused.Parts.ToList() : [pipeline.Embedder];
            for (var i = 0; i < parts.Count; i++)
            {
                var weight = pack.Embedders[i].Weight;
                var entry = parts[i] switch
                {
                    FivePointEmbedder five when !pack.Embedders[i].FlipAverage => Entry("five-point", Write(folder, five.Network.Network.Model),
                        ("inputSize", five.Network.Spec.InputSize), ("mean", five.Network.Spec.Mean),
                        ("scale", five.Network.Spec.Scale),
                        ("colorOrder", five.Network.Spec.ColorOrder.ToString().ToLowerInvariant())),
                    DlibChipEmbedder dlib when !dlib.FlipAverage => Entry("dlib-chip", Write(folder, dlib.Network.Model)),
                    var other => throw new VisageException($"{other.ModelId}: this embedder cannot be saved for a peer"),
                };
                entry["weight"] = weight;
                entries.Add(entry);
            }
            var manifest = new Dictionary<string, object>
            {
                ["pack"] = pack.Id,
                ["detectionThreshold"] = options.DetectionThreshold,
                ["nmsIouThreshold"] = options.NmsIouThreshold,
                ["threshold"] = pack.DefaultThreshold,
                ["networks"] = entries,
            };
            File.WriteAllText(Path.Combine(folder, "networks.json"),
                JsonSerializer.Serialize(manifest, new JsonSerializerOptions { WriteIndented = true }));
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new VisageException($"{folder}: cannot write the networks ({e.Message})");
        }
    }

    private static Dictionary<string, object> Entry(string role, string file, params (string Key, object Value)[] more)
    {
        var entry = new Dictionary<string, object> { ["role"] = role, ["file"] = file };
        foreach (var (key, value) in more) entry[key] = value;
        return entry;
    }

    private static string Write(string folder, OnnxModel model)
    {
        var name = model.Name.EndsWith(".onnx", StringComparison.OrdinalIgnoreCase) ? model.Name : model.Name + ".onnx";
        File.WriteAllBytes(Path.Combine(folder, name), model.Bytes);
        return name;
    }
}
