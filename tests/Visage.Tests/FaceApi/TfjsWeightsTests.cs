using System.Buffers.Binary;
using Visage.Models.FaceApi;
using Visage.Tests.TestData;

namespace Visage.Tests.FaceApi;

public sealed class TfjsWeightsTests : IDisposable
{
    private readonly TempFolder _folder = new();

    // q: uint8 [2, 2], min -1, scale 0.5: bytes 0 1 2 4 are -1, -0.5, 0, 1.
    // f: float32 [3], stored as is.
    // w: uint16 [2], min 10, scale 0.25: 0 and 1000 are 10 and 260.
    private const string Manifest = """
        [{"paths": ["model.bin"], "weights": [
          {"name": "q", "shape": [2, 2], "dtype": "float32", "quantization": {"dtype": "uint8", "min": -1, "scale": 0.5}},
          {"name": "f", "shape": [3], "dtype": "float32"},
          {"name": "w", "shape": [2], "dtype": "float32", "quantization": {"dtype": "uint16", "min": 10, "scale": 0.25}}
        ]}]
        """;

    private static byte[] Bin()
    {
        var bytes = new byte[4 + 12 + 4];
        bytes[0] = 0; bytes[1] = 1; bytes[2] = 2; bytes[3] = 4;
        BinaryPrimitives.WriteSingleLittleEndian(bytes.AsSpan(4), 1.5f);
        BinaryPrimitives.WriteSingleLittleEndian(bytes.AsSpan(8), -2.25f);
        BinaryPrimitives.WriteSingleLittleEndian(bytes.AsSpan(12), 1e-7f);
        BinaryPrimitives.WriteUInt16LittleEndian(bytes.AsSpan(16), 0);
        BinaryPrimitives.WriteUInt16LittleEndian(bytes.AsSpan(18), 1000);
        return bytes;
    }

    private string WriteModel(string manifest, byte[] bin, string binName = "model.bin")
    {
        _folder.Write(binName, bin);
        return _folder.Write("model-weights_manifest.json", System.Text.Encoding.UTF8.GetBytes(manifest));
    }

    [Fact]
    public void Dequantises_and_reads_float32_weights_in_manifest_order()
    {
        var weights = TfjsWeights.Load(WriteModel(Manifest, Bin()));

        Assert.Equal(["q", "f", "w"], weights.Names);
        Assert.Equal(9, weights.ValueCount);
        Assert.Equal([-1f, -0.5f, 0f, 1f], weights.Get("q", 2, 2).Values);
        Assert.Equal([1.5f, -2.25f, 1e-7f], weights.Get("f", 3).Values);
        Assert.Equal([10f, 260f], weights.Get("w", 2).Values);
    }

    [Fact]
    public void Float16_weights_are_widened()
    {
        const string manifest = """
            [{"paths": ["model.bin"], "weights": [
              {"name": "h", "shape": [2], "dtype": "float32", "quantization": {"dtype": "float16"}}
            ]}]
            """;
        // 0x3E00 is 1.5 and 0xC000 is -2 in IEEE half precision.
        var weights = TfjsWeights.Load(WriteModel(manifest, [0x00, 0x3E, 0x00, 0xC0]));

        Assert.Equal([1.5f, -2f], weights.Get("h", 2).Values);
    }

    [Fact]
    public void Int32_weights_keep_their_integers()
    {
        const string manifest = """
            [{"paths": ["model.bin"], "weights": [
              {"name": "shape", "shape": [3], "dtype": "int32"}
            ]}]
            """;
        var bytes = new byte[12];
        BinaryPrimitives.WriteInt32LittleEndian(bytes, -1);
        BinaryPrimitives.WriteInt32LittleEndian(bytes.AsSpan(4), 1404);
        BinaryPrimitives.WriteInt32LittleEndian(bytes.AsSpan(8), 1 << 30);

        var shape = TfjsWeights.Load(WriteModel(manifest, bytes)).Get("shape", 3);

        Assert.NotNull(shape.Integers);
        Assert.Equal([-1, 1404, 1 << 30], shape.Integers);
    }

    [Fact]
    public void A_group_of_several_files_is_one_stream()
    {
        var manifest = Manifest.Replace("\"paths\": [\"model.bin\"]", "\"paths\": [\"a.bin\", \"b.bin\"]");
        var bin = Bin();
        // The split falls inside weight f.
        _folder.Write("a.bin", bin[..6]);
        var weights = TfjsWeights.Load(WriteModel(manifest, bin[6..], "b.bin"));

        Assert.Equal([1.5f, -2.25f, 1e-7f], weights.Get("f", 3).Values);
        Assert.Equal([10f, 260f], weights.Get("w", 2).Values);
    }

    [Fact]
    public void A_short_bin_file_is_named_with_the_weight_it_cuts()
    {
        var manifestPath = WriteModel(Manifest, Bin()[..15]);

        var e = Assert.Throws<VisageException>(() => TfjsWeights.Load(manifestPath));

        Assert.Contains(_folder.File("model.bin"), e.Message);
        Assert.Contains("15 bytes", e.Message);
        Assert.Contains("20 bytes", e.Message);
        Assert.Contains("'f'", e.Message);
    }

    [Fact]
    public void A_long_bin_file_is_an_error_naming_it()
    {
        var manifestPath = WriteModel(Manifest, [.. Bin(), 0]);

        var e = Assert.Throws<VisageException>(() => TfjsWeights.Load(manifestPath));

        Assert.Contains(_folder.File("model.bin"), e.Message);
        Assert.Contains("21 bytes", e.Message);
    }

    [Fact]
    public void A_missing_bin_file_is_named()
    {
        var manifestPath = WriteModel(Manifest, Bin(), binName: "other.bin");

        var e = Assert.Throws<VisageException>(() => TfjsWeights.Load(manifestPath));

        Assert.Contains(_folder.File("model.bin"), e.Message);
        Assert.Contains("missing", e.Message);
    }

    [Fact]
    public void A_missing_manifest_is_named()
    {
        var path = _folder.File("none-weights_manifest.json");

        var e = Assert.Throws<VisageException>(() => TfjsWeights.Load(path));

        Assert.Contains(path, e.Message);
    }

    [Theory]
    [InlineData("{}")]
    [InlineData("[{\"paths\": [\"model.bin\"]}]")]
    [InlineData("[{\"paths\": [\"model.bin\"], \"weights\": [{\"name\": \"i\", \"shape\": [1], \"dtype\": \"int64\"}]}]")]
    [InlineData("not json")]
    public void A_malformed_manifest_is_named(string manifest)
    {
        var path = WriteModel(manifest, Bin());

        var e = Assert.Throws<VisageException>(() => TfjsWeights.Load(path));

        Assert.StartsWith(path, e.Message);
    }

    [Fact]
    public void A_weight_of_another_shape_or_name_is_refused_with_the_manifest_named()
    {
        var path = WriteModel(Manifest, Bin());
        var weights = TfjsWeights.Load(path);

        var shape = Assert.Throws<VisageException>(() => weights.Get("q", 4));
        var name = Assert.Throws<VisageException>(() => weights.Get("fc", 2));

        Assert.Contains(path, shape.Message);
        Assert.Contains("[2, 2]", shape.Message);
        Assert.Contains(path, name.Message);
        Assert.Contains("'fc'", name.Message);
    }

    [Fact]
    public void Kernels_go_from_height_width_in_out_to_out_in_height_width()
    {
        // [kh=1, kw=2, in=2, out=3]: value = 100 x + 10 i + o.
        var values = new float[12];
        for (var x = 0; x < 2; x++)
        for (var i = 0; i < 2; i++)
        for (var o = 0; o < 3; o++)
            values[(x * 2 + i) * 3 + o] = 100 * x + 10 * i + o;

        var onnx = new TfjsTensor("k", [1, 2, 2, 3], values).ConvKernelOutInHeightWidth();

        Assert.Equal([0f, 100, 10, 110, 1, 101, 11, 111, 2, 102, 12, 112], onnx);
    }

    [Fact]
    public void Matrices_go_from_in_out_to_out_in()
    {
        var onnx = new TfjsTensor("m", [2, 3], [1, 2, 3, 4, 5, 6]).MatrixOutIn();

        Assert.Equal([1f, 4, 2, 5, 3, 6], onnx);
    }

    public void Dispose() => _folder.Dispose();
}
