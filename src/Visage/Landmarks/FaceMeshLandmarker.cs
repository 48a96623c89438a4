using OpenCvSharp;
using OpenCvSharp.Dnn;
using Visage.Detection;
using Visage.Execution;
using Visage.Models;

namespace Visage.Landmarks;

/// <summary>
/// MediaPipe FaceMesh (468 points; Human's facemesh.json, converted from TensorFlow.js) on a 192x192 RGB
/// crop, values 0..1: the square of the box's larger side grown <see cref="CropScale"/> times about its
/// centre. Human grows BlazeFace's box 1.4 times; UltraFace's box is about 1.26 times as tall, and of 1.1,
/// 1.25, 1.4 and 1.6 times it, 1.25 put the mesh's five points nearest the 68-point network's on 60 LFW
/// photos (median gap 4.0% of the eye distance). The 68 points of the iBUG scheme are read off the mesh at their
/// corresponding vertices, so every aligner works on them unchanged; the five alignment points come from
/// the mesh's eye contours, nose tip and lip corners. All faces of an image go through the network in one run.
/// </summary>
internal sealed class FaceMeshLandmarker : ILandmarker
{
    public const int InputSize = 192;
    public const int MeshPoints = 468;
    private const string MeshOutput = "Identity_2";

    /// <summary>
    /// For each of the 68 iBUG points, the FaceMesh vertex at the same place on the face: jaw 0-16, brows
    /// 17-26, nose 27-35, eyes 36-47, outer lips 48-59, inner lips 60-67.
    /// </summary>
    internal static readonly int[] Ibug68 =
    [
        127, 234, 93, 132, 58, 172, 136, 150, 152, 379, 365, 397, 288, 361, 323, 454, 356,
        70, 63, 105, 66, 107, 336, 296, 334, 293, 300,
        168, 197, 5, 4, 75, 97, 2, 326, 305,
        33, 160, 158, 133, 153, 144, 362, 385, 387, 263, 373, 380,
        61, 39, 37, 0, 267, 269, 291, 405, 314, 17, 84, 181,
        78, 82, 13, 312, 308, 317, 14, 87,
    ];

    /// <summary>Inputs lie in [0, 1]; a few faces per photo.</summary>
    internal static TuningRequest Tuning { get; } = new(0f, 1f, TypicalBatch: 4);

    private readonly PlannedNetwork _network;
    private readonly int _mesh;

    public FaceMeshLandmarker(string modelPath, float cropScale = 1.25f)
        : this(PlannedNetwork.Load(LoadModel(modelPath)), cropScale)
    {
    }

    internal FaceMeshLandmarker(PlannedNetwork network, float cropScale = 1.25f)
    {
        _network = network;
        _mesh = network.Model.OutputIndex(MeshOutput);
        CropScale = cropScale;
    }

    /// <summary>The TensorFlow.js graph converted to ONNX, its mesh the only output kept.</summary>
    internal static OnnxModel LoadModel(string modelPath) =>
        OnnxModel.FromBytes(Path.GetFileName(modelPath), OnnxModels.Read(modelPath, [MeshOutput]));

    internal PlannedNetwork Network => _network;

    public float CropScale { get; }

    public IReadOnlyList<FaceLandmarks> Locate(Mat bgrImage, IReadOnlyList<FaceBox> faces) =>
        LocateMesh(bgrImage, faces).Select(mesh => new FaceLandmarks(Ibug68.Select(i => mesh[i]).ToList())).ToList();

    /// <summary>The 468 mesh points of each face, in image pixels (x, y).</summary>
    public IReadOnlyList<Point2f[]> LocateMesh(Mat bgrImage, IReadOnlyList<FaceBox> faces)
    {
        if (faces.Count == 0) return [];
        var squares = faces.Select(f =>
        {
            var side = Math.Max(f.Width, f.Height) * CropScale;
            return (X: f.Center.X - side / 2, Y: f.Center.Y - side / 2, Side: side);
        }).ToList();
        var crops = squares.Select(s =>
        {
            var scale = InputSize / s.Side;
            using var transform = Mat.FromPixelData(2, 3, MatType.CV_64FC1,
                new double[] { scale, 0, -s.X * scale, 0, scale, -s.Y * scale });
            var crop = new Mat();
            Cv2.WarpAffine(bgrImage, crop, transform, new Size(InputSize, InputSize), InterpolationFlags.Linear,
                BorderTypes.Constant, Scalar.Black);
            return crop;
        }).ToList();
        try
        {
            using var blob = CvDnn.BlobFromImages(crops, 1 / 255.0, new Size(InputSize, InputSize), new Scalar(0, 0, 0),
                swapRB: true, crop: false);
            var mesh = _network.Run(BlobData.ToArray(blob), crops.Count)[_mesh];
            return squares.Select((s, f) =>
            {
                var perPixel = s.Side / InputSize;
                return Enumerable.Range(0, MeshPoints)
                    .Select(p => new Point2f(s.X + mesh[(f * MeshPoints + p) * 3] * perPixel,
                        s.Y + mesh[(f * MeshPoints + p) * 3 + 1] * perPixel))
                    .ToArray();
            }).ToList();
        }
        finally
        {
            foreach (var crop in crops) crop.Dispose();
        }
    }

    public void Dispose() => _network.Dispose();
}
