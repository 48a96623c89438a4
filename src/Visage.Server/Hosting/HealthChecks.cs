using Microsoft.Extensions.Diagnostics.HealthChecks;

namespace Visage.Server.Hosting;

/// <summary>The model is loaded: it says which, and its encoding size.</summary>
internal sealed class ModelHealthCheck(VisageService service) : IHealthCheck
{
    public Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken ct = default) =>
        Task.FromResult(HealthCheckResult.Healthy($"{service.Recognizer.ModelId} loaded ({service.Recognizer.Dimensions}-d)"));
}

/// <summary>The gallery answers a read (who is enrolled), within the check's time.</summary>
internal sealed class GalleryHealthCheck(VisageService service) : IHealthCheck
{
    public async Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken ct = default)
    {
        try
        {
            await service.People.ListAsync(ct);
            return HealthCheckResult.Healthy($"reachable: {service.Gallery}");
        }
        catch (VisageException e)
        {
            return HealthCheckResult.Unhealthy(e.Message);
        }
    }
}

/// <summary>
/// The search index: its kind and size, whether it was loaded or built and how long that took, the store stamp
/// it is current at; for a store shared by replicas, whether it is following the store's changes (and how many
/// erasures it applied directly and how many times it reconciled with the store instead; degraded
/// while the connection is being retried: it answers, but without other replicas' latest changes).
/// </summary>
internal sealed class IndexHealthCheck(VisageService service) : IHealthCheck
{
    public Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken ct = default)
    {
        var index = service.People.Index;
        var text = $"{index.Kind}, {index.Faces} faces of {index.People} people; " +
                   (index.Loaded ? "loaded" : $"built ({index.WhyBuilt})") + $" in {index.OpenTime.TotalSeconds:0.0} s; at {index.Stamp}" +
                   (index.Following is { } following ? following ? "; following the store" : $"; not following the store ({index.FollowError})" : "") +
                   (index.Reconciliations is { } reconciled ? $" (erasures applied: {index.ErasesApplied}; reconciliations: {reconciled})" : "");
        return Task.FromResult(index.Following == false ? HealthCheckResult.Degraded(text) : HealthCheckResult.Healthy(text));
    }
}
