using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using Visage.Models.Onnx;

namespace Visage.Models.Seed;

/// <summary>
/// The seed's <c>weights/</c> folder: one file per tensor, numbers separated by commas (on one line or
/// several). Every read checks the count against the shape the tensor must have and names the file at fault.
/// A fingerprint of everything read tells one set of weights from another.
/// </summary>
internal sealed class SeedWeightsFolder
{
    private readonly IncrementalHash _fingerprint = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);

    public SeedWeightsFolder(string folder)
    {
        if (!Directory.Exists(folder))
            throw new ModelException(folder, ModelProblem.BadWeights, $"{folder}: no such folder of seed weights");
        Folder = folder;
    }

    public string Folder { get; }

    public int FilesRead { get; private set; }

    /// <summary>Hex SHA-256 over the names and values of every tensor read so far, in reading order.</summary>
    public string Fingerprint() => Convert.ToHexStringLower(_fingerprint.GetCurrentHash());

    public float[] Read(string fileName, long expectedCount)
    {
        var path = Path.Combine(Folder, fileName);
        string text;
        try
        {
            text = File.ReadAllText(path);
        }
        catch (FileNotFoundException)
        {
            throw new ModelException(Folder, ModelProblem.BadWeights, $"{path}: missing seed weight file (expected {expectedCount} numbers)");
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new ModelException(Folder, ModelProblem.BadWeights, $"{path}: cannot read seed weight file ({e.Message})");
        }

        var values = new List<float>((int)Math.Min(expectedCount, int.MaxValue));
        foreach (var range in text.AsSpan().SplitAny(",\n\r\t "))
        {
            var token = text.AsSpan()[range];
            if (token.IsEmpty) continue;
            if (!float.TryParse(token, NumberStyles.Float, CultureInfo.InvariantCulture, out var value))
                throw new ModelException(Folder, ModelProblem.BadWeights, $"{path}: '{token.ToString()}' is not a number");
            values.Add(value);
        }
        if (values.Count != expectedCount)
            throw new ModelException(Folder, ModelProblem.BadWeights, 
                $"{path}: {values.Count} numbers, but this tensor has {expectedCount}");

        var array = values.ToArray();
        _fingerprint.AppendData(Encoding.UTF8.GetBytes(fileName));
        _fingerprint.AppendData(System.Runtime.InteropServices.MemoryMarshal.AsBytes(array.AsSpan()));
        FilesRead++;
        return array;
    }

    /// <summary>A convolution's kernel ([out, in, kh, kw]) and bias.</summary>
    public (float[] Weights, float[] Bias) Conv(string name, int outChannels, int inChannels, int kernelHeight, int kernelWidth) =>
        (Read($"{name}_w.csv", (long)outChannels * inChannels * kernelHeight * kernelWidth),
         Read($"{name}_b.csv", outChannels));

    public BatchNormWeights BatchNorm(string name, int channels, float epsilon) =>
        new(Read($"{name}_w.csv", channels), Read($"{name}_b.csv", channels),
            Read($"{name}_m.csv", channels), Read($"{name}_v.csv", channels), epsilon);
}
