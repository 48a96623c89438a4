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
            return HealthCheckResult.Healthy("reachable");
        }
        catch (VisageException e)
        {
            return HealthCheckResult.Unhealthy(e.Message);
        }
    }
}
