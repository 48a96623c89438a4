using System.Numerics.Tensors;
using System.Runtime.InteropServices;
using Microsoft.ML.OnnxRuntime;
using Microsoft.ML.OnnxRuntime.Tensors;
using OpenCvSharp;
using OpenCvSharp.Dnn;
using Visage.Alignment;
using Visage.Models.FaceApi;

namespace Visage.Embedding;

/// <summary>
/// face-api's port of dlib's ResNet face recogniser on dlib face chips cut from the 68 landmarks: 128
/// numbers of unit length per face. With <c>flipAverage</c> each face is also encoded mirrored, and the
/// encoding is the renormalised mean of the two (a different encoding space, hence a different model id).
/// All faces of an image, mirrored ones included, go through the network in one run.
/// </summary>
internal sealed class DlibChipEmbedder : IFaceEmbedder
{
    public const string BaseModelId = "face-api-resnet34";

    private readonly InferenceSession _session;

    /// <param name="modelFolder">Holds face-api's <c>face_recognition_model</c> manifest and weights.</param>
    /// <param name="flipAverage">Average each encoding with that of the mirrored chip.</param>
    /// <param name="template">The chip to cut; dlib's own by default.</param>
    /// <param name="options">ONNX Runtime session options (threads).</param>
    public DlibChipEmbedder(string modelFolder, bool flipAverage = false, DlibChipTemplate? template = null,
        SessionOptions? options = null)
    {
        Template = template ?? DlibChipTemplate.FaceRecognition;
        if (Template.Size != FaceRecognitionNetwork.InputSize)
            throw new ArgumentException(
                $"the network takes {FaceRecognitionNetwork.InputSize}-pixel chips, not {Template.Size}", nameof(template));
        var model = FaceRecognitionNetwork.Build(modelFolder);
        _session = options is null ? new InferenceSession(model) : new InferenceSession(model, options);
        FlipAverage = flipAverage;
    }

    public string ModelId => FlipAverage ? $"{BaseModelId}-flip" : BaseModelId;
    public int Dimensions => FaceRecognitionNetwork.DescriptorSize;
    public bool UsesLandmarks => true;

    public bool FlipAverage { get; }
    public DlibChipTemplate Template { get; }

    public IReadOnlyList<float[]> Embed(Mat bgrImage, IReadOnlyList<LocatedFace> faces)
    {
        if (faces.Count == 0) return [];
        if (faces.Any(f => f.Landmarks is null))
            throw new ArgumentException("this embedder aligns faces by their landmarks");
        var chips = faces.Select(f => DlibChipAligner.Extract(bgrImage, f.Landmarks!, Template)).ToList();
        try
        {
            return EmbedChips(chips);
        }
        finally
        {
            foreach (var chip in chips) chip.Dispose();
        }
    }

    /// <summary>Encodings of ready chips (BGR, <see cref="Template"/>'s size), mirrored too with flip averaging.</summary>
    public IReadOnlyList<float[]> EmbedChips(IReadOnlyList<Mat> bgrChips)
    {
        if (bgrChips.Count == 0) return [];
        if (!FlipAverage) return Describe(bgrChips).Select(Normalise).ToList();

        var mirrored = bgrChips.Select(c =>
        {
            var m = new Mat();
            Cv2.Flip(c, m, FlipMode.Y);
            return m;
        }).ToList();
        try
        {
            var descriptors = Describe([.. bgrChips, .. mirrored]);
            var n = bgrChips.Count;
            return Enumerable.Range(0, n)
                .Select(i =>
                {
                    var sum = Normalise(descriptors[i]);
                    TensorPrimitives.Add(sum, Normalise(descriptors[n + i]), sum);
                    return Normalise(sum);
                })
                .ToList();
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
        using var blob = CvDnn.BlobFromImages(bgrChips, 1.0, new Size(size, size), new Scalar(0, 0, 0),
            swapRB: true, crop: false);
        var input = new float[bgrChips.Count * 3 * size * size];
        Marshal.Copy(blob.Data, input, 0, input.Length);

        using var results = _session.Run(
        [
            NamedOnnxValue.CreateFromTensor(FaceRecognitionNetwork.InputName,
                new DenseTensor<float>(input, [bgrChips.Count, 3, size, size])),
        ]);
        var output = results.First(r => r.Name == FaceRecognitionNetwork.OutputName).AsTensor<float>().ToArray();
        return Enumerable.Range(0, bgrChips.Count)
            .Select(i => output.AsSpan(i * Dimensions, Dimensions).ToArray())
            .ToList();
    }

    private static float[] Normalise(float[] raw)
    {
        var norm = TensorPrimitives.Norm(raw);
        var unit = new float[raw.Length];
        if (norm > 0) TensorPrimitives.Divide(raw, norm, unit);
        return unit;
    }

    public void Dispose() => _session.Dispose();
}
