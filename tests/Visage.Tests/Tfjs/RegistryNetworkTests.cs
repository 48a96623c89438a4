using OpenCvSharp;
using Visage.Models.Tfjs;
using Visage.Tests.FaceApi;
using Tensor = Visage.Tests.Tfjs.TfjsReference.Tensor;

namespace Visage.Tests.Tfjs;

/// <summary>
/// Each registry network the catalogue uses, converted to ONNX and run by ONNX Runtime on real LFW faces,
/// against the plain reference run of its TensorFlow.js graph: the converted graph computes what TensorFlow
/// would, to float rounding.
/// </summary>
[Collection(RegistryNetworksCollection.Name)]
public sealed class RegistryNetworkTests(RegistryNetworks networks)
{
    private const double Tolerance = 1e-4;

    /// <summary>
    /// The middle of an LFW photo (the face is centred in them), resized to size x size, channels last, in the
    /// colour order given and mapped to (pixel - mean[c]) / scale.
    /// </summary>
    private static Tensor Face(string person, int size, bool rgb, float[] mean, float scale, int cropSide = 150)
    {
        using var photo = Cv2.ImRead(LfwPhotos.Photo(person, 1), ImreadModes.Color);
        using var middle = new Mat(photo, new Rect((photo.Width - cropSide) / 2, (photo.Height - cropSide) / 2, cropSide, cropSide));
        using var resized = new Mat();
        Cv2.Resize(middle, resized, new Size(size, size), 0, 0, InterpolationFlags.Area);
        var values = new float[size * size * 3];
        for (var y = 0; y < size; y++)
        for (var x = 0; x < size; x++)
        {
            var p = resized.At<Vec3b>(y, x);
            var channels = rgb ? new[] { p.Item2, p.Item1, p.Item0 } : new[] { p.Item0, p.Item1, p.Item2 };
            for (var c = 0; c < 3; c++) values[(y * size + x) * 3 + c] = (channels[c] - mean[c]) / scale;
        }
        return new Tensor([1, size, size, 3], values);
    }

    private static Tensor Batch(params Tensor[] images) =>
        new([images.Length, .. images[0].Shape[1..]], images.SelectMany(i => i.Values).ToArray());

    private static void AssertGraphMatchesReference(string modelPath, string output, Tensor input)
    {
        var model = TfjsGraphModel.Load(modelPath);
        var input0 = model.Nodes.First(n => n.Op == "Placeholder").Name;
        var feeds = new Dictionary<string, Tensor> { [input0] = input };

        var graph = ConvertedGraph.Run(TfjsGraphConverter.Convert(model, [output]), feeds)[output];
        var reference = new TfjsReference(model).Run(feeds, [output])[output];

        ConvertedGraph.AssertClose(reference, graph, Tolerance, $"{Path.GetFileName(modelPath)} {output}");
    }

    [Fact]
    public void MobileFaceNet_gives_the_reference_encoding_of_a_real_face()
    {
        var input = Face("Aaron_Peirsol", 112, rgb: true, [127.5f, 127.5f, 127.5f], 128f);
        var path = networks.ModelPath("mobilefacenet.json");
        // Every depthwise PReLU but the last (linear) depthwise layer's was misfused by TensorFlow.js's converter.
        Assert.Equal(16, TfjsGraphModel.Load(path).RepairedPrelus.Count);
        AssertGraphMatchesReference(path, "embeddings", input);
    }

    [Theory]
    [InlineData("faceres.json")]
    [InlineData("faceres-deep.json")]
    public void FaceRes_gives_the_reference_descriptor_of_a_real_face(string file)
    {
        var input = Face("Abel_Pacheco", 224, rgb: false, [103.939f, 116.779f, 123.68f], 1f, cropSide: 180);
        AssertGraphMatchesReference(networks.ModelPath(file), "global_pooling/Mean", input);
    }

    [Fact]
    public void FaceMesh_gives_the_reference_mesh_of_a_real_face()
    {
        var input = Face("Aaron_Peirsol", 192, rgb: true, [0f, 0f, 0f], 255f, cropSide: 170);
        AssertGraphMatchesReference(networks.ModelPath("facemesh.json"), "Identity_2", input);
    }

    [Theory]
    [InlineData("antispoof.json", 128, "Identity")]
    [InlineData("liveness.json", 32, "Identity")]
    public void Liveness_classifiers_give_the_reference_scores_of_a_real_face(string file, int size, string output)
    {
        var input = Face("Abel_Pacheco", size, rgb: true, [0f, 0f, 0f], 255f);
        AssertGraphMatchesReference(networks.ModelPath(file), output, input);
    }

    [Fact]
    public void A_converted_network_gives_each_face_of_a_batch_its_own_encoding()
    {
        var path = networks.ModelPath("mobilefacenet.json");
        var first = Face("Aaron_Peirsol", 112, rgb: true, [127.5f, 127.5f, 127.5f], 128f);
        var second = Face("Abel_Pacheco", 112, rgb: true, [127.5f, 127.5f, 127.5f], 128f);
        var onnx = TfjsGraphConverter.Convert(path, ["embeddings"]);

        var alone = ConvertedGraph.Run(onnx, new Dictionary<string, Tensor> { ["img_inputs"] = second })["embeddings"];
        var both = ConvertedGraph.Run(onnx, new Dictionary<string, Tensor> { ["img_inputs"] = Batch(first, second) })["embeddings"];

        ConvertedGraph.AssertClose(alone, new Tensor([1, 192], both.Values[192..]), Tolerance, "second face of a batch");
        Assert.Equal(1.0, Math.Sqrt(alone.Values.Sum(v => (double)v * v)), 4);
    }
}
