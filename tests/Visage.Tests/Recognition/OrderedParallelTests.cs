using Visage.Recognition;

namespace Visage.Tests.Recognition;

public sealed class OrderedParallelTests
{
    [Theory]
    [InlineData(1)]
    [InlineData(2)]
    [InlineData(8)]
    public void Results_come_in_the_items_order_whatever_the_workers(int workers)
    {
        var items = Enumerable.Range(0, 200).ToList();
        var reports = new List<(int Done, int Total)>();

        var results = OrderedParallel.Map(items, workers, i =>
        {
            Thread.SpinWait((200 - i) * 50); // later items finish sooner
            return i * i;
        }, new Collecting(reports));

        Assert.Equal(items.Select(i => i * i), results);
        Assert.Equal(200, reports.Count);
        Assert.Equal(Enumerable.Range(1, 200), reports.Select(r => r.Done).Order());
        Assert.All(reports, r => Assert.Equal(200, r.Total));
    }

    [Theory]
    [InlineData(1)]
    [InlineData(4)]
    public void The_error_is_that_of_the_first_failing_item_as_with_one_worker(int workers)
    {
        var started = new System.Collections.Concurrent.ConcurrentBag<int>();

        var error = Assert.Throws<VisageException>(() => OrderedParallel.Map(Enumerable.Range(0, 100).ToList(), workers, i =>
        {
            started.Add(i);
            if (i is 37 or 38 or 90) throw new VisageException($"item {i} is bad");
            return i;
        }));

        Assert.Equal("item 37 is bad", error.Message);
        Assert.All(Enumerable.Range(0, 37), i => Assert.Contains(i, started));
    }

    [Fact]
    public void Cancellation_stops_the_work()
    {
        using var cancel = new CancellationTokenSource();
        Assert.ThrowsAny<OperationCanceledException>(() => OrderedParallel.Map(Enumerable.Range(0, 1000).ToList(), 2, i =>
        {
            if (i == 10) cancel.Cancel();
            Thread.Sleep(1);
            return i;
        }, ct: cancel.Token));
    }

    [Theory]
    [InlineData(1)]
    [InlineData(4)]
    public void Cancelled_work_returns_the_finished_items_from_the_first_on(int workers)
    {
        using var cancel = new CancellationTokenSource();

        var results = OrderedParallel.MapPrefix(Enumerable.Range(0, 500).ToList(), workers, i =>
        {
            if (i == 40) cancel.Cancel();
            return -i;
        }, cancel.Token);

        // One worker stops right after item 40; several may have reached it out of order, so fewer may be whole.
        if (workers == 1) Assert.Equal(41, results.Count);
        Assert.InRange(results.Count, 0, 499);
        Assert.Equal(Enumerable.Range(0, results.Count).Select(i => -i), results);
    }

    [Fact]
    public void Work_that_is_not_cancelled_returns_every_result()
    {
        var results = OrderedParallel.MapPrefix(Enumerable.Range(0, 100).ToList(), 3, i => i * 2, CancellationToken.None);

        Assert.Equal(Enumerable.Range(0, 100).Select(i => i * 2), results);
    }

    private sealed class Collecting(List<(int, int)> reports) : IProgress<(int Done, int Total)>
    {
        public void Report((int Done, int Total) value)
        {
            lock (reports) reports.Add(value);
        }
    }
}
