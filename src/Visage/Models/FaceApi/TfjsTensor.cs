namespace Visage.Models.FaceApi;

/// <summary>One float tensor of a TensorFlow.js model, as stored: channels last, row-major.</summary>
internal sealed record TfjsTensor(string Name, IReadOnlyList<int> Shape, float[] Values)
{
    /// <summary>An int32 weight's values as stored (<see cref="Values"/> holds them as floats); null for float weights.</summary>
    public int[]? Integers { get; init; }

    /// <summary>
    /// A convolution kernel, stored by TensorFlow as [kh, kw, in, out], in the order ONNX wants:
    /// [out, in, kh, kw].
    /// </summary>
    public float[] ConvKernelOutInHeightWidth()
    {
        if (Shape.Count != 4) throw new InvalidOperationException($"{Name}: a kernel has 4 axes, not {Shape.Count}");
        int kh = Shape[0], kw = Shape[1], inputs = Shape[2], outputs = Shape[3];
        var result = new float[Values.Length];
        for (var y = 0; y < kh; y++)
        for (var x = 0; x < kw; x++)
        for (var i = 0; i < inputs; i++)
        for (var o = 0; o < outputs; o++)
            result[((o * inputs + i) * kh + y) * kw + x] = Values[((y * kw + x) * inputs + i) * outputs + o];
        return result;
    }

    /// <summary>A matrix stored as [in, out] (x times W), transposed to [out, in].</summary>
    public float[] MatrixOutIn()
    {
        if (Shape.Count != 2) throw new InvalidOperationException($"{Name}: a matrix has 2 axes, not {Shape.Count}");
        int inputs = Shape[0], outputs = Shape[1];
        var result = new float[Values.Length];
        for (var i = 0; i < inputs; i++)
        for (var o = 0; o < outputs; o++)
            result[o * inputs + i] = Values[i * outputs + o];
        return result;
    }
}
