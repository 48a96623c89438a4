namespace Visage.Execution;

/// <summary>Makes the runner a plan asks for (tests give the tuner runners of their own).</summary>
internal interface INetworkRunnerFactory
{
    INetworkRunner Create(OnnxModel model, ExecutionPlan plan);
}

/// <summary>The real back ends.</summary>
internal sealed class NetworkRunnerFactory : INetworkRunnerFactory
{
    public static NetworkRunnerFactory Instance { get; } = new();

    public INetworkRunner Create(OnnxModel model, ExecutionPlan plan) => plan.Backend switch
    {
        ExecutionBackend.OnnxRuntime => new OnnxRuntimeRunner(model, plan.Optimization, plan.Threads, plan.Rewrite),
        ExecutionBackend.OpenCvDnn => new OpenCvDnnRunner(model, plan.Rewrite),
        _ => throw new ArgumentOutOfRangeException(nameof(plan), plan.Backend, "unknown back end"),
    };
}
