namespace Visage.Cli;

/// <summary>
/// Progress handled on the reporting thread as it happens, in order (<see cref="Progress{T}"/> posts each report
/// to the thread pool, so lines can come out of order or after the work has finished).
/// </summary>
internal sealed class Reported<T>(Action<T> handle) : IProgress<T>
{
    public void Report(T value) => handle(value);
}
