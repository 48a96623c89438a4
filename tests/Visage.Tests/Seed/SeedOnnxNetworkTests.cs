using Microsoft.ML.OnnxRuntime;
using Microsoft.ML.OnnxRuntime.Tensors;
using OpenCvSharp;
using Visage.Embedding;
using Visage.Models.Seed;
using Visage.Tests.TestData;

namespace Visage.Tests.Seed;

/// <summary>The product's ONNX rebuild of the seed network against the independent loop implementation.</summary>
[Collection(SeedWeightsCollection.Name)]
public sealed class SeedOnnxNetworkTests(SeedRandomWeightsFixture random, SeedZeroConvolutionsFixture zero)
{
    private static float[] Run(byte[] onnx, float[] input, string output = SeedNetwork.OutputName)
    {
        using var session = new InferenceSession(onnx);
        using var results = session.Run(
        [
            NamedOnnxValue.CreateFromTensor(SeedNetwork.InputName,
                new DenseTensor<float>(input, [1, 3, SeedNetwork.InputSize, SeedNetwork.InputSize])),
        ], [output]);
        return results.First().AsTensor<float>().ToArray();
    }

    private static void AssertClose(IReadOnlyList<double> expected, IReadOnlyList<float> actual, double tolerance)
    {
        Assert.Equal(expected.Count, actual.Count);
        var worst = expected.Select((e, i) => Math.Abs(e - actual[i])).Max();
        Assert.True(worst <= tolerance, $"largest difference {worst:E2} exceeds {tolerance:E0}");
    }

    [Fact]
    public void Counts_every_parameter_of_the_published_network_and_reads_every_file()
    {
        var built = SeedNetwork.Build(random.Folder);

        Assert.Equal(SeedNetwork.ParameterCount, built.ParameterCount);
        Assert.Equal(3_743_280, built.ParameterCount);
        Assert.Equal(SeedLayout.Files.Count, built.FilesRead);
    }

    [Fact]
    public void Agrees_with_the_loop_implementation_on_random_input()
    {
        var built = SeedNetwork.Build(random.Folder);

        AssertClose(random.Result.Encoding, Run(built.Onnx, random.Input), 1e-5);
    }

    [Fact]
    public void Intermediate_shapes_and_values_match_the_specification_and_the_loop_implementation()
    {
        var built = SeedNetwork.Build(random.Folder, exposeIntermediates: true);
        using var session = new InferenceSession(built.Onnx);
        using var results = session.Run(
        [
            NamedOnnxValue.CreateFromTensor(SeedNetwork.InputName, new DenseTensor<float>(random.Input, [1, 3, 96, 96])),
        ]);
        var byName = results.ToDictionary(r => r.Name, r => r.AsTensor<float>());

        Assert.Equal([1, 256, 12, 12], byName["inception_3a"].Dimensions.ToArray());
        Assert.Equal([1, 640, 6, 6], byName["inception_3c"].Dimensions.ToArray());
        Assert.Equal([1, 1024, 3, 3], byName["inception_4e"].Dimensions.ToArray());
        Assert.Equal([1, 736], byName["features"].Dimensions.ToArray());
        Assert.Equal([1, 128], byName[SeedNetwork.OutputName].Dimensions.ToArray());

        // Activations grow to a few units deep in the network, so compare relative to their size.
        AssertClose(random.Result.After3a.Data, byName["inception_3a"].ToArray(), 1e-4);
        AssertClose(random.Result.After4e.Data, byName["inception_4e"].ToArray(), 1e-4);
        AssertClose(random.Result.PreDense, byName["features"].ToArray(), 1e-4);
    }

    [Fact]
    public void Output_is_unit_length_and_deterministic()
    {
        var first = Run(SeedNetwork.Build(random.Folder).Onnx, random.Input);
        var second = Run(SeedNetwork.Build(random.Folder).Onnx, random.Input);

        Assert.Equal(SeedNetwork.EmbeddingSize, first.Length);
        Assert.Equal(1.0, Math.Sqrt(first.Sum(v => (double)v * v)), 5);
        Assert.Equal(first, second);
    }

    [Fact]
    public void With_zero_convolutions_gives_the_hand_computed_encoding()
    {
        var built = SeedNetwork.Build(zero.Folder);
        var blank = new float[SeedLayout.InputLength];

        // The reference's answer for zero kernels is checked by hand in SeedReferenceNetworkTests; it does not
        // depend on the input, so any input gives it.
        AssertClose(zero.Result.Encoding, Run(built.Onnx, blank), 1e-6);
        AssertClose(zero.Result.Encoding, Run(built.Onnx, zero.Input), 1e-6);
    }

    [Fact]
    public void Encodes_a_real_photo_as_the_loop_implementation_does()
    {
        var photo = Lfw.PhotosOf(Lfw.PeopleWithTwoPhotos(1)[0])[0];
        var expected = random.Network.Forward(SeedReferenceNetwork.Preprocess(photo)).Encoding;

        using var embedder = new SeedEmbedder(random.Folder);
        using var image = Cv2.ImRead(photo);
        var actual = embedder.EmbedCrops([image])[0];

        AssertClose(expected, actual, 1e-5);
        Assert.StartsWith("seed-nn4.small2-", embedder.ModelId);
    }

    [Fact]
    public void Names_a_missing_file_and_a_file_of_the_wrong_size()
    {
        using var broken = new TempFolder();
        foreach (var file in Directory.EnumerateFiles(random.Folder))
            File.CreateSymbolicLink(Path.Combine(broken.Path, Path.GetFileName(file)), file);

        File.Delete(Path.Combine(broken.Path, "inception_4a_pool_bn_v.csv"));
        var missing = Assert.Throws<ModelException>(() => SeedNetwork.Build(broken.Path));
        Assert.Contains("inception_4a_pool_bn_v.csv", missing.Message);
        Assert.Contains("missing", missing.Message);

        File.WriteAllText(Path.Combine(broken.Path, "inception_4a_pool_bn_v.csv"), string.Join(",", Enumerable.Repeat("1", 128)));
        File.Delete(Path.Combine(broken.Path, "dense_b.csv"));
        File.WriteAllText(Path.Combine(broken.Path, "dense_b.csv"), "1,2,3");
        var wrong = Assert.Throws<ModelException>(() => SeedNetwork.Build(broken.Path));
        Assert.Contains("dense_b.csv", wrong.Message);
        Assert.Contains("3 numbers", wrong.Message);
    }
}
