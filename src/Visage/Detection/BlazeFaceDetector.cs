using System.Runtime.InteropServices;
using OpenCvSharp;
using Visage.Execution;

namespace Visage.Detection;

/// <summary>
/// MediaPipe BlazeFace (keijiro's ONNX export of the front 128x128 or back 256x256 model). The image is
/// padded to a square (centred, black) and resized to the input, RGB mapped to [-1, 1], channels last.
/// Two feature maps of 16x16 cells (two anchors each) and 8x8 cells (six anchors) each predict a score
/// (a logit) and a box centre offset from the cell centre and a size, in input pixels; boxes scoring at
/// least the threshold are kept and overlapping ones suppressed by score. BlazeFace's box is tighter and
/// lower than the box the landmarkers were made for (UltraFace's), so each box is moved down by
/// <see cref="BoxShift"/> of its height and grown <see cref="BoxScale"/> times about its centre. Each anchor
/// also places six keypoints, offsets from the cell centre in input pixels like the box centre: the two eyes
/// (the subject's right eye, on the image's left, first), nose tip, mouth centre and the two ear tragions.
/// </summary>
internal sealed class BlazeFaceDetector : IFaceDetector
{
    private static readonly (int Cells, int Anchors, string Scores, string Boxes)[] Layers =
    [
        (16, 2, "Identity:0", "Identity_2:0"),
        (8, 6, "Identity_1:0", "Identity_3:0"),
    ];

    /// <summary>Inputs lie in [-1, 1]; one image per run.</summary>
    internal static TuningRequest Tuning { get; } = new(-1f, 1f);

    /// <summary>Eyes (image order), nose tip, mouth centre, ear tragions (image order).</summary>
    public const int KeypointCount = 6;

    private readonly PlannedNetwork _network;
    private readonly int _size;
    private readonly float _scoreThreshold;
    private readonly float _iouThreshold;

    public BlazeFaceDetector(string modelPath, float scoreThreshold = 0.75f, float iouThreshold = 0.3f,
        float boxScale = 1f, float boxShift = 0f)
        : this(PlannedNetwork.Load(OnnxModel.FromFile(modelPath)), scoreThreshold, iouThreshold, boxScale, boxShift)
    {
    }

    internal BlazeFaceDetector(PlannedNetwork network, float scoreThreshold = 0.75f, float iouThreshold = 0.3f,
        float boxScale = 1f, float boxShift = 0f)
    {
        _network = network;
        // Channels last: height, width, 3.
        _size = network.Model.ItemShape[0];
        _scoreThreshold = scoreThreshold;
        _iouThreshold = iouThreshold;
        BoxScale = boxScale;
        BoxShift = boxShift;
    }

    public float BoxScale { get; }
    public float BoxShift { get; }

    public IReadOnlyList<DetectedFace> Detect(Mat bgrImage)
    {
        var side = Math.Max(bgrImage.Width, bgrImage.Height);
        var scale = _size / (float)side;
        var (padX, padY) = ((side - bgrImage.Width) / 2f, (side - bgrImage.Height) / 2f);
        var input = NetworkInput(bgrImage);
        var results = _network.Run(input, 1);
        var candidates = new List<DetectedFace>();
        foreach (var (cells, anchors, scoresName, boxesName) in Layers)
        {
            var scores = results[_network.Model.OutputIndex(scoresName)];
            var boxes = results[_network.Model.OutputIndex(boxesName)];
            for (var cell = 0; cell < cells * cells; cell++)
            for (var a = 0; a < anchors; a++)
            {
                var index = cell * anchors + a;
                var score = 1f / (1f + MathF.Exp(-Math.Clamp(scores[index], -80f, 80f)));
                if (score < _scoreThreshold) continue;
                var b = boxes.AsSpan(index * 16, 16);
                var centreX = ((cell % cells + 0.5f) / cells * _size + b[0]) / scale - padX;
                var centreY = ((cell / cells + 0.5f) / cells * _size + b[1]) / scale - padY;
                centreY += BoxShift * b[3] / scale;
                var (width, height) = (b[2] / scale * BoxScale, b[3] / scale * BoxScale);
                var box = new FaceBox(centreX - width / 2, centreY - height / 2, width, height)
                    .ClipTo(bgrImage.Width, bgrImage.Height);
                if (box.Width <= 1 || box.Height <= 1) continue;
                var keypoints = new Point2f[KeypointCount];
                for (var k = 0; k < KeypointCount; k++)
                    keypoints[k] = new Point2f(
                        ((cell % cells + 0.5f) / cells * _size + b[4 + 2 * k]) / scale - padX,
                        ((cell / cells + 0.5f) / cells * _size + b[5 + 2 * k]) / scale - padY);
                candidates.Add(new DetectedFace(box, score, keypoints));
            }
        }
        return NonMaximumSuppression.Apply(candidates, _iouThreshold);
    }

    /// <summary>The photo as the network takes it: padded to a square, resized, RGB in [-1, 1], channels last.</summary>
    internal float[] NetworkInput(Mat bgrImage)
    {
        var side = Math.Max(bgrImage.Width, bgrImage.Height);
        var scale = _size / (float)side;
        var (padX, padY) = ((side - bgrImage.Width) / 2f, (side - bgrImage.Height) / 2f);
        using var transform = Mat.FromPixelData(2, 3, MatType.CV_64FC1,
            new double[] { scale, 0, padX * scale, 0, scale, padY * scale });
        using var square = new Mat();
        Cv2.WarpAffine(bgrImage, square, transform, new Size(_size, _size), InterpolationFlags.Linear,
            BorderTypes.Constant, Scalar.Black);
        Cv2.CvtColor(square, square, ColorConversionCodes.BGR2RGB);
        // Channels last as the network takes them: a continuous CV_32FC3 Mat already is that layout, so the
        // conversion writes straight into the input array (no second buffer and copy).
        var input = new float[_size * _size * 3];
        var pinned = GCHandle.Alloc(input, GCHandleType.Pinned);
        try
        {
            using var normalised = Mat.FromPixelData(_size, _size, MatType.CV_32FC3, pinned.AddrOfPinnedObject());
            square.ConvertTo(normalised, MatType.CV_32FC3, 1 / 127.5, -1);
        }
        finally
        {
            pinned.Free();
        }
        return input;
    }

    internal PlannedNetwork Network => _network;

    public void Dispose() => _network.Dispose();
}
