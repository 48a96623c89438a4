using System.Reflection;
using System.Runtime.InteropServices;
using Cloud.Unum.USearch;

namespace Visage.Search;

/// <summary>
/// The few calls of USearch's C library that its .NET wrapper (2.26.6) does not expose: reserving capacity
/// (the wrapper grows it one vector at a time, copying the graph's arrays on every add, and so cannot add from
/// several threads), the search expansion of a loaded index, the thread contexts, and the memory used. They run
/// on the wrapper's own native handle, so the wrapper still owns and frees the index.
/// </summary>
internal static class USearchNative
{
    private const string Library = "libusearch_c";

    private static readonly FieldInfo HandleField =
        typeof(USearchIndex).GetField("_index", BindingFlags.NonPublic | BindingFlags.Instance)
        ?? throw new InvalidOperationException(
            "this Cloud.Unum.USearch has no native handle field '_index'; Visage was built against 2.26.6");

    public static void Reserve(USearchIndex index, ulong capacity)
    {
        usearch_reserve(Handle(index), (nuint)capacity, out var error);
        ThrowIfError(error);
    }

    public static void ChangeExpansionSearch(USearchIndex index, ulong expansion)
    {
        usearch_change_expansion_search(Handle(index), (nuint)expansion, out var error);
        ThrowIfError(error);
    }

    /// <summary>Thread contexts for adds and searches: at most this many run inside the library at once.</summary>
    public static void ChangeThreads(USearchIndex index, int threads)
    {
        usearch_change_threads_add(Handle(index), (nuint)threads, out var error);
        ThrowIfError(error);
        usearch_change_threads_search(Handle(index), (nuint)threads, out error);
        ThrowIfError(error);
    }

    public static long MemoryUsage(USearchIndex index)
    {
        var bytes = usearch_memory_usage(Handle(index), out var error);
        ThrowIfError(error);
        return (long)bytes;
    }

    private static IntPtr Handle(USearchIndex index)
    {
        var handle = (IntPtr)HandleField.GetValue(index)!;
        if (handle == IntPtr.Zero) throw new ObjectDisposedException(nameof(USearchIndex));
        return handle;
    }

    private static void ThrowIfError(IntPtr error)
    {
        if (error != IntPtr.Zero) throw new USearchException(Marshal.PtrToStringAnsi(error) ?? "USearch error");
    }

    [DllImport(Library)]
    private static extern void usearch_reserve(IntPtr index, nuint capacity, out IntPtr error);

    [DllImport(Library)]
    private static extern void usearch_change_expansion_search(IntPtr index, nuint expansion, out IntPtr error);

    [DllImport(Library)]
    private static extern void usearch_change_threads_add(IntPtr index, nuint threads, out IntPtr error);

    [DllImport(Library)]
    private static extern void usearch_change_threads_search(IntPtr index, nuint threads, out IntPtr error);

    [DllImport(Library)]
    private static extern nuint usearch_memory_usage(IntPtr index, out IntPtr error);
}
