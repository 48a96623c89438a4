using System.Diagnostics;
using Visage.Video;

namespace Visage.Tests.Video;

public sealed class LatestFrameSlotTests
{
    private sealed class Item(int n) : IDisposable
    {
        public int N => n;
        public bool Disposed { get; private set; }
        public void Dispose() => Disposed = true;
    }

    [Fact]
    public void The_taker_gets_the_newest_item_and_the_ones_it_replaced_are_disposed()
    {
        using var slot = new LatestFrameSlot<Item>();
        var items = Enumerable.Range(1, 3).Select(n => new Item(n)).ToList();

        foreach (var item in items) slot.Offer(item);

        Assert.True(slot.TryTake(out var taken));
        Assert.Equal(3, taken.N);
        Assert.False(taken.Disposed);
        Assert.True(items[0].Disposed && items[1].Disposed);
        Assert.Equal(2, slot.Replaced);
    }

    [Fact]
    public async Task A_waiting_taker_wakes_for_a_new_item()
    {
        using var slot = new LatestFrameSlot<Item>();
        var taking = Task.Run(() => slot.TryTake(out var item) ? item.N : -1);
        await Task.Delay(50);

        slot.Offer(new Item(7));

        Assert.Equal(7, await taking.WaitAsync(TimeSpan.FromSeconds(10)));
    }

    [Fact]
    public void After_completion_the_last_item_is_still_taken_then_taking_ends()
    {
        using var slot = new LatestFrameSlot<Item>();
        slot.Offer(new Item(1));
        slot.Complete();

        Assert.True(slot.TryTake(out var last));
        Assert.Equal(1, last.N);
        Assert.False(slot.TryTake(out _));

        var late = new Item(2);
        slot.Offer(late);
        Assert.True(late.Disposed);
    }

    [Fact]
    public async Task Cancelling_ends_a_wait_promptly()
    {
        using var slot = new LatestFrameSlot<Item>();
        using var cancel = new CancellationTokenSource(TimeSpan.FromMilliseconds(100));
        var clock = Stopwatch.StartNew();

        var taken = await Task.Run(() => slot.TryTake(out _, cancel.Token)).WaitAsync(TimeSpan.FromSeconds(10));

        Assert.False(taken);
        Assert.True(clock.Elapsed < TimeSpan.FromSeconds(5));
    }

    [Fact]
    public async Task Waiting_until_empty_returns_once_the_item_is_taken()
    {
        using var slot = new LatestFrameSlot<Item>();
        slot.Offer(new Item(1));
        var waiting = Task.Run(() => slot.WaitUntilEmpty());
        await Task.Delay(50);
        Assert.False(waiting.IsCompleted);

        Assert.True(slot.TryTake(out _));

        Assert.True(await waiting.WaitAsync(TimeSpan.FromSeconds(10)));
    }

    [Fact]
    public void Disposing_disposes_an_item_nobody_took()
    {
        var item = new Item(1);
        var slot = new LatestFrameSlot<Item>();
        slot.Offer(item);

        slot.Dispose();

        Assert.True(item.Disposed);
    }
}
