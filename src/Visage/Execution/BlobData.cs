using System.Runtime.InteropServices;
using OpenCvSharp;

namespace Visage.Execution;

/// <summary>Reads a network input OpenCV laid out (blobFromImage's channels-first floats) into an array.</summary>
internal static class BlobData
{
    public static float[] ToArray(Mat blob)
    {
        if (blob.Type() != MatType.CV_32FC1 || !blob.IsContinuous())
            throw new InvalidOperationException($"expected a continuous float blob, not {blob.Type()}");
        var values = new float[blob.Total()];
        Marshal.Copy(blob.Data, values, 0, values.Length);
        return values;
    }
}
