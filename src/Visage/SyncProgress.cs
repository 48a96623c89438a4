namespace Visage;

/// <summary>Progress passed on at once on the reporting thread, in order (unlike <see cref="Progress{T}"/>).</summary>
internal sealed class SyncProgress<T>(Action<T> handle) : IProgress<T>
{
    public void Report(T value) => handle(value);
}
