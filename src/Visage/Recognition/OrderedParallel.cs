namespace Visage.Recognition;

/// <summary>
/// Runs independent work on several threads and returns the results in the items' order, so that bulk work
/// (enrolment, evaluation, calibration) gives exactly what one worker gives. When items fail, the error is
/// that of the first failing item in order, as with one worker: the items before it all run, those after it
/// are not started.
/// </summary>
internal static class OrderedParallel
{
    public static IReadOnlyList<TResult> Map<TItem, TResult>(IReadOnlyList<TItem> items, int workers,
        Func<TItem, TResult> work, IProgress<(int Done, int Total)>? progress = null, CancellationToken ct = default)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(workers, 1);
        var results = new TResult[items.Count];
        var done = 0;
        if (workers == 1)
        {
            for (var i = 0; i < items.Count; i++)
            {
                ct.ThrowIfCancellationRequested();
                results[i] = work(items[i]);
                progress?.Report((++done, items.Count));
            }
            return results;
        }

        var failures = new System.Collections.Concurrent.ConcurrentDictionary<int, Exception>();
        var options = new ParallelOptions { MaxDegreeOfParallelism = workers, CancellationToken = ct };
        Parallel.For(0, items.Count, options, (i, state) =>
        {
            if (state.ShouldExitCurrentIteration && state.LowestBreakIteration < i) return;
            try
            {
                results[i] = work(items[i]);
            }
            catch (Exception e) when (e is not OperationCanceledException)
            {
                failures[i] = e;
                state.Break();
                return;
            }
            progress?.Report((Interlocked.Increment(ref done), items.Count));
        });
        if (!failures.IsEmpty)
            System.Runtime.ExceptionServices.ExceptionDispatchInfo.Throw(failures[failures.Keys.Min()]);
        return results;
    }

    /// <summary>
    /// As <see cref="Map"/>, but cancellation stops the work gracefully: no item is started after it, and the
    /// results of the items finished from the first one on, in order, are returned (the finished prefix).
    /// </summary>
    public static IReadOnlyList<TResult> MapPrefix<TItem, TResult>(IReadOnlyList<TItem> items, int workers,
        Func<TItem, TResult> work, CancellationToken ct)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(workers, 1);
        var results = new TResult[items.Count];
        var finished = new bool[items.Count];
        var failures = new System.Collections.Concurrent.ConcurrentDictionary<int, Exception>();
        if (workers == 1)
        {
            for (var i = 0; i < items.Count && !ct.IsCancellationRequested; i++)
            {
                results[i] = work(items[i]);
                finished[i] = true;
            }
        }
        else
        {
            Parallel.For(0, items.Count, new ParallelOptions { MaxDegreeOfParallelism = workers }, (i, state) =>
            {
                if (ct.IsCancellationRequested || (state.ShouldExitCurrentIteration && state.LowestBreakIteration < i))
                {
                    state.Break();
                    return;
                }
                try
                {
                    results[i] = work(items[i]);
                    finished[i] = true;
                }
                catch (Exception e)
                {
                    failures[i] = e;
                    state.Break();
                }
            });
        }
        var prefix = Array.IndexOf(finished, false);
        if (prefix < 0) prefix = items.Count;
        if (failures.TryGetValue(prefix, out var failure))
            System.Runtime.ExceptionServices.ExceptionDispatchInfo.Throw(failure);
        return results.AsSpan(0, prefix).ToArray();
    }
}
