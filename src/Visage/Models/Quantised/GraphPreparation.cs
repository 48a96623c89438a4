using Microsoft.ML.OnnxRuntime;

namespace Visage.Models.Quantised;

/// <summary>
/// A float graph made ready for quantisation by ONNX Runtime's basic optimisations, which only rewrite it into
/// an equivalent standard ONNX graph: constants folded, batch norms folded into the convolutions before them,
/// no-op nodes removed. Calibration and quantisation both work on this form, so that the tensors calibrated are
/// those quantised (and a batch norm no longer separates a convolution from its QDQ pair).
/// </summary>
internal static class GraphPreparation
{
    public static byte[] Prepare(byte[] floatOnnx, string network)
    {
        var folder = Path.Combine(Path.GetTempPath(), $"visage-prepare-{Guid.NewGuid():N}");
        Directory.CreateDirectory(folder);
        var optimised = Path.Combine(folder, "prepared.onnx");
        try
        {
            using (var options = new SessionOptions
                   {
                       GraphOptimizationLevel = GraphOptimizationLevel.ORT_ENABLE_BASIC,
                       OptimizedModelFilePath = optimised,
                       IntraOpNumThreads = 1,
                       LogSeverityLevel = OrtLoggingLevel.ORT_LOGGING_LEVEL_ERROR,
                   })
            using (new InferenceSession(floatOnnx, options))
            {
            }
            return File.ReadAllBytes(optimised);
        }
        catch (OnnxRuntimeException e)
        {
            throw new QuantisationException(network, $"ONNX Runtime could not load the float network ({e.Message.Split('\n')[0]})");
        }
        finally
        {
            try
            {
                Directory.Delete(folder, recursive: true);
            }
            catch (IOException)
            {
            }
        }
    }
}
