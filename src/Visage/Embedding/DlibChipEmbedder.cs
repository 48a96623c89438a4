using System.Numerics.Tensors;
using OpenCvSharp;
using OpenCvSharp.Dnn;
using Visage.Alignment;
using Visage.Execution;
using Visage.Imaging;
using Visage.Models.FaceApi;

namespace Visage.Embedding;

/// <summary>
/// face-api's port of dlib's ResNet face recogniser on dlib face chips cut from the 68 landmarks: 128
/// numbers of unit length per face. With <c>flipAverage</c> each face is also encoded mirrored, and the
/// encoding is the renormalised mean of the two (a different encoding space, hence a different model id).
/// All faces of an image, mirrored ones included, go through the network in one run.
/// </summary>
internal sealed class DlibChipEmbedder : IStagedEmbedder
{
    public const string BaseModelId = "face-api-resnet34";

    /// <summary>Inputs are RGB 0..255 (the graph normalises them); a few chips per photo.</summary>
    internal static TuningRequest Tuning { get; } = new(0f, 255f, TypicalBatch: 4);

    private readonly PlannedNetwork _network;

    /// <param name="modelFolder">Holds face-api's <c>face_recognition_model</c> manifest and weights.</param>
    /// <param name="flipAverage">Average each encoding with that of the mirrored chip.</param>
    /// <param name="template">The chip to cut; dlib's own by default.</param>
    public DlibChipEmbedder(string modelFolder, bool flipAverage = false, DlibChipTemplate? template = null)
        : this(PlannedNetwork.Load(LoadModel(modelFolder)), flipAverage, template)
    {
    }

    internal DlibChipEmbedder(PlannedNetwork network, bool flipAverage = false, DlibChipTemplate? template = null)
    {
        Template = template ?? DlibChipTemplate.FaceRecognition;
        if (Template.Size != FaceRecognitionNetwork.InputSize)
        {
            network.Dispose();
            throw new ArgumentException(
                $"the network takes {FaceRecognitionNetwork.InputSize}-pixel chips, not {Template.Size}", nameof(template));
        }
        _network = network;
        FlipAverage = flipAverage;
    }

    /// <summary>face-api's network, built as an ONNX graph from its weights.</summary>
    internal static OnnxModel LoadModel(string modelFolder) =>
        OnnxModel.FromBytes("face_recognition_model", FaceRecognitionNetwork.Build(modelFolder));

    public string ModelId => FlipAverage ? $"{BaseModelId}-flip" : BaseModelId;
    public int Dimensions => FaceRecognitionNetwork.DescriptorSize;
    public bool UsesLandmarks => true;

    public bool FlipAverage { get; }
    public DlibChipTemplate Template { get; }

    internal PlannedNetwork Network => _network;

    public IReadOnlyList<float[]> Embed(Mat bgrImage, IReadOnlyList<LocatedFace> faces) =>
        faces.Count == 0 ? [] : Encode(Prepare(bgrImage, faces));

    PreparedFaces IStagedEmbedder.Prepare(Mat bgrImage, IReadOnlyList<LocatedFace> faces) => Prepare(bgrImage, faces);

    IReadOnlyList<float[]> IStagedEmbedder.Encode(PreparedFaces faces) => Encode(faces);

    /// <summary>Every face's chip (and its mirror, with flip averaging) as one input: the photo's halvings shared.</summary>
    internal PreparedFaces Prepare(Mat bgrImage, IReadOnlyList<LocatedFace> faces)
    {
        if (faces.Any(f => f.Landmarks is null))
            throw new ArgumentException("this embedder aligns faces by their landmarks");
        if (faces.Count == 0) return new PreparedFaces(0, []);
        using var pyramid = new ImagePyramid(bgrImage);
        var chips = faces.Select(f => DlibChipAligner.Extract(pyramid, f.Landmarks!, Template)).ToList();
        try
        {
            if (FlipAverage) chips.AddRange(Mirrored(chips));
            return new PreparedFaces(faces.Count, [Blob(chips)]);
        }
        finally
        {
            foreach (var chip in chips) chip.Dispose();
        }
    }

    internal IReadOnlyList<float[]> Encode(PreparedFaces faces)
    {
        if (faces.Count == 0) return [];
        var n = faces.Count;
        var descriptors = Run(faces.Inputs[0], FlipAverage ? 2 * n : n);
        return FlipAverage ? AverageWithMirrors(descriptors, n) : descriptors.Select(Normalise).ToList();
    }

    /// <summary>Encodings of ready chips (BGR, <see cref="Template"/>'s size), mirrored too with flip averaging.</summary>
    public IReadOnlyList<float[]> EmbedChips(IReadOnlyList<Mat> bgrChips)
    {
        if (bgrChips.Count == 0) return [];
        if (!FlipAverage) return Describe(bgrChips).Select(Normalise).ToList();
        var mirrored = Mirrored(bgrChips);
        try
        {
            return AverageWithMirrors(Describe([.. bgrChips, .. mirrored]), bgrChips.Count);
        }
        finally
        {
            foreach (var m in mirrored) m.Dispose();
        }
    }

    /// <summary>
    /// The network's descriptors of ready chips as face-api returns them: not normalised, no mirroring.
    /// </summary>
    public IReadOnlyList<float[]> Describe(IReadOnlyList<Mat> bgrChips)
    {
        if (bgrChips.Count == 0) return [];
        const int size = FaceRecognitionNetwork.InputSize;
        if (bgrChips.Any(c => c.Width != size || c.Height != size))
            throw new ArgumentException($"chips must be {size}x{size}");
        return Run(Blob(bgrChips), bgrChips.Count);
    }

    private static float[] Blob(IReadOnlyList<Mat> bgrChips)
    {
        const int size = FaceRecognitionNetwork.InputSize;
        using var blob = CvDnn.BlobFromImages(bgrChips, 1.0, new Size(size, size), new Scalar(0, 0, 0),
            swapRB: true, crop: false);
        return BlobData.ToArray(blob);
    }

    private IReadOnlyList<float[]> Run(float[] input, int count)
    {
        var output = _network.Run(input, count)[0];
        return Enumerable.Range(0, count)
            .Select(i => output.AsSpan(i * Dimensions, Dimensions).ToArray())
            .ToList();
    }

    private static List<Mat> Mirrored(IReadOnlyList<Mat> chips) => chips.Select(c =>
    {
        var m = new Mat();
        Cv2.Flip(c, m, FlipMode.Y);
        return m;
    }).ToList();

    private static List<float[]> AverageWithMirrors(IReadOnlyList<float[]> descriptors, int n) =>
        Enumerable.Range(0, n)
            .Select(i =>
            {
                var sum = Normalise(descriptors[i]);
                TensorPrimitives.Add(sum, Normalise(descriptors[n + i]), sum);
                return Normalise(sum);
            })
            .ToList();

    private static float[] Normalise(float[] raw)
    {
        var norm = TensorPrimitives.Norm(raw);
        var unit = new float[raw.Length];
        if (norm > 0) TensorPrimitives.Divide(raw, norm, unit);
        return unit;
    }

    public void Dispose() => _network.Dispose();
}
