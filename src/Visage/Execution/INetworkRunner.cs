namespace Visage.Execution;

/// <summary>
/// Runs one network on one back end. <see cref="Run"/> may be called from several threads at once.
/// </summary>
internal interface INetworkRunner : IDisposable
{
    /// <summary>
    /// Runs <paramref name="count"/> items laid end to end at the start of <paramref name="input"/>
    /// (each of the model's item size, channels first) through the network in one run; returns each output,
    /// in the model's output order, as <paramref name="count"/> items laid end to end.
    /// </summary>
    float[][] Run(float[] input, int count);

    /// <summary>
    /// Runs items of another size than the model's nominal one, for a network whose item size is free
    /// (<see cref="OnnxModel.SizeDynamic"/>).
    /// </summary>
    float[][] Run(float[] input, int count, IReadOnlyList<int> itemShape) =>
        throw new NotSupportedException($"{GetType().Name} runs items of the model's own size only");
}
