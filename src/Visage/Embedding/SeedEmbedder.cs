using OpenCvSharp;
using OpenCvSharp.Dnn;
using Visage.Alignment;
using Visage.Execution;
using Visage.Models.Seed;

namespace Visage.Embedding;

/// <summary>
/// The seed's FaceNet on its own pre-processing: the face's box cropped as it is (no alignment), resized
/// to 96x96, RGB, divided by 255. Encodings from different weight folders are not comparable, so the
/// model id carries a fingerprint of the weights.
/// </summary>
internal sealed class SeedEmbedder : IStagedEmbedder
{
    /// <summary>Inputs lie in [0, 1]; a few faces per photo.</summary>
    internal static TuningRequest Tuning { get; } = new(0f, 1f, TypicalBatch: 4);

    private readonly PlannedNetwork _network;

    public SeedEmbedder(string weightsFolder) : this(Build(weightsFolder))
    {
    }

    private SeedEmbedder((OnnxModel Model, string Fingerprint) built)
        : this(PlannedNetwork.Load(built.Model), built.Fingerprint)
    {
    }

    internal SeedEmbedder(PlannedNetwork network, string weightsFingerprint)
    {
        _network = network;
        ModelId = $"seed-nn4.small2-{weightsFingerprint[..12]}";
    }

    /// <summary>The network built from the seed's weights folder, and the fingerprint of those weights.</summary>
    internal static (OnnxModel Model, string Fingerprint) Build(string weightsFolder)
    {
        var built = SeedNetwork.Build(weightsFolder);
        return (OnnxModel.FromBytes("seed-nn4.small2", built.Onnx), built.Fingerprint);
    }

    public string ModelId { get; }
    public int Dimensions => SeedNetwork.EmbeddingSize;
    public bool UsesLandmarks => false;

    internal PlannedNetwork Network => _network;

    public IReadOnlyList<float[]> Embed(Mat bgrImage, IReadOnlyList<LocatedFace> faces) =>
        faces.Count == 0 ? [] : Encode(Prepare(bgrImage, faces));

    PreparedFaces IStagedEmbedder.Prepare(Mat bgrImage, IReadOnlyList<LocatedFace> faces) => Prepare(bgrImage, faces);

    IReadOnlyList<float[]> IStagedEmbedder.Encode(PreparedFaces faces) => Encode(faces);

    internal PreparedFaces Prepare(Mat bgrImage, IReadOnlyList<LocatedFace> faces)
    {
        if (faces.Count == 0) return new PreparedFaces(0, []);
        var crops = faces.Select(f => Crop(bgrImage, f)).ToList();
        try
        {
            return new PreparedFaces(faces.Count, [Blob(crops)]);
        }
        finally
        {
            foreach (var crop in crops) crop.Dispose();
        }
    }

    internal IReadOnlyList<float[]> Encode(PreparedFaces faces) =>
        faces.Count == 0 ? [] : Run(faces.Inputs[0], faces.Count);

    /// <summary>Encodes whole images, each resized to the network's input (the seed's img_path_to_encoding).</summary>
    public IReadOnlyList<float[]> EmbedCrops(IReadOnlyList<Mat> crops) =>
        crops.Count == 0 ? [] : Run(Blob(crops), crops.Count);

    private static float[] Blob(IReadOnlyList<Mat> crops)
    {
        const int size = SeedNetwork.InputSize;
        using var blob = CvDnn.BlobFromImages(crops, 1 / 255.0, new Size(size, size), new Scalar(0, 0, 0),
            swapRB: true, crop: false);
        return BlobData.ToArray(blob);
    }

    private IReadOnlyList<float[]> Run(float[] input, int count)
    {
        var output = _network.Run(input, count)[_network.Model.OutputIndex(SeedNetwork.OutputName)];
        return Enumerable.Range(0, count)
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

    public void Dispose() => _network.Dispose();
}
