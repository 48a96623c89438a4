namespace Visage.Models.Onnx;

/// <summary>The four vectors of an inference-mode batch normalisation, and its epsilon.</summary>
internal sealed record BatchNormWeights(float[] Gamma, float[] Beta, float[] Mean, float[] Variance, float Epsilon);
