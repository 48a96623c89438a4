using System.Runtime.InteropServices;
using Microsoft.ML.OnnxRuntime;
using Microsoft.ML.OnnxRuntime.Tensors;
using OpenCvSharp;
using OpenCvSharp.Dnn;
using Visage.Alignment;
using Visage.Models.Seed;

namespace Visage.Embedding;

/// <summary>
/// The seed's FaceNet on its own pre-processing: the face's box cropped as it is (no alignment), resized
/// to 96x96, RGB, divided by 255. Encodings from different weight folders are not comparable, so the
/// model id carries a fingerprint of the weights.
/// </summary>
internal sealed class SeedEmbedder : IFaceEmbedder
{
    private readonly InferenceSession _session;

    public SeedEmbedder(string weightsFolder, SessionOptions? options = null)
    {
        var built = SeedNetwork.Build(weightsFolder);
        _session = options is null ? new InferenceSession(built.Onnx) : new InferenceSession(built.Onnx, options);
        ModelId = $"seed-nn4.small2-{built.Fingerprint[..12]}";
    }

    public string ModelId { get; }
    public int Dimensions => SeedNetwork.EmbeddingSize;
    public bool UsesLandmarks => false;

    public IReadOnlyList<float[]> Embed(Mat bgrImage, IReadOnlyList<LocatedFace> faces)
    {
        if (faces.Count == 0) return [];
        var crops = faces.Select(f => Crop(bgrImage, f)).ToList();
        try
        {
            return EmbedCrops(crops);
        }
        finally
        {
            foreach (var crop in crops) crop.Dispose();
        }
    }

    /// <summary>Encodes whole images, each resized to the network's input (the seed's img_path_to_encoding).</summary>
    public IReadOnlyList<float[]> EmbedCrops(IReadOnlyList<Mat> crops)
    {
        const int size = SeedNetwork.InputSize;
        using var blob = CvDnn.BlobFromImages(crops, 1 / 255.0, new Size(size, size), new Scalar(0, 0, 0),
            swapRB: true, crop: false);
        var input = new float[crops.Count * 3 * size * size];
        Marshal.Copy(blob.Data, input, 0, input.Length);
        using var results = _session.Run(
        [
            NamedOnnxValue.CreateFromTensor(SeedNetwork.InputName, new DenseTensor<float>(input, [crops.Count, 3, size, size])),
        ]);
        var output = results.First(r => r.Name == SeedNetwork.OutputName).AsTensor<float>().ToArray();
        return Enumerable.Range(0, crops.Count)
            .Select(i => output.AsSpan(i * Dimensions, Dimensions).ToArray())
            .ToList();
    }

    private static Mat Crop(Mat image, LocatedFace face)
    {
        var box = face.Box.ClipTo(image.Width, image.Height);
        var rect = new Rect((int)box.X, (int)box.Y, Math.Max(1, (int)box.Width), Math.Max(1, (int)box.Height));
        rect = rect.Intersect(new Rect(0, 0, image.Width, image.Height));
        return image[rect].Clone();
    }

    public void Dispose() => _session.Dispose();
}
