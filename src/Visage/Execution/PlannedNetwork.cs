namespace Visage.Execution;

/// <summary>
/// A network loaded the way its plan says: what every model class (detector, landmarks, embedders) runs its
/// network through. Runs of more items than the plan's batch size go through in chunks. Thread-safe.
/// </summary>
internal sealed class PlannedNetwork : IDisposable
{
    private readonly INetworkRunner _runner;

    public PlannedNetwork(OnnxModel model, ExecutionPlan plan, INetworkRunner runner)
    {
        Model = model;
        Plan = plan;
        _runner = runner;
    }

    /// <summary>Loads a network with a fixed plan, without tuning (ONNX Runtime's defaults unless told).</summary>
    public static PlannedNetwork Load(OnnxModel model, ExecutionPlan? plan = null)
    {
        plan ??= ExecutionPlan.Default(0);
        return new PlannedNetwork(model, plan, NetworkRunnerFactory.Instance.Create(model, plan));
    }

    public OnnxModel Model { get; }
    public ExecutionPlan Plan { get; }

    /// <summary>
    /// Runs <paramref name="count"/> items laid end to end in <paramref name="input"/>; returns each output
    /// (the model's order) for all items, laid end to end.
    /// </summary>
    public float[][] Run(float[] input, int count)
    {
        if (count <= 0) throw new ArgumentOutOfRangeException(nameof(count), count, "nothing to run");
        var itemSize = Model.ItemSize;
        if (input.Length < count * itemSize)
            throw new ArgumentException($"{Model.Name}: {count} items need {count * itemSize} inputs, got {input.Length}");
        var chunk = Model.BatchDynamic ? Math.Max(1, Math.Min(Plan.BatchSize, count)) : 1;
        if (chunk >= count) return _runner.Run(input, count);

        float[][]? outputs = null;
        var part = new float[chunk * itemSize];
        for (var start = 0; start < count; start += chunk)
        {
            var n = Math.Min(chunk, count - start);
            Array.Copy(input, start * itemSize, part, 0, n * itemSize);
            var results = _runner.Run(part, n);
            outputs ??= results.Select(r => new float[r.Length / n * count]).ToArray();
            for (var o = 0; o < results.Length; o++)
                Array.Copy(results[o], 0, outputs[o], start * (results[o].Length / n), results[o].Length);
        }
        return outputs!;
    }

    /// <summary>One item of another size than the nominal one, for a network whose item size is free.</summary>
    public float[][] Run(float[] input, IReadOnlyList<int> itemShape)
    {
        if (!Model.SizeDynamic && !itemShape.SequenceEqual(Model.ItemShape))
            throw new ArgumentException($"{Model.Name} takes items of {string.Join("x", Model.ItemShape)} only");
        return _runner.Run(input, 1, itemShape);
    }

    public void Dispose() => _runner.Dispose();
}
