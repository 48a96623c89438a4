using Visage.Search;
using Visage.Tests.TestData;

namespace Visage.Tests.Search;

public sealed class SnapshotTempFileTests
{
    [Fact]
    public void A_snapshot_graph_is_written_to_an_owner_only_file_and_graphs_left_by_a_dead_process_are_removed()
    {
        using var home = new TempFolder();
        var work = Path.Combine(home.Path, "indexes", "store");
        Directory.CreateDirectory(work);
        var stale = Path.Combine(work, "snapshot-1-dead.usearch.tmp");
        var recent = Path.Combine(work, "snapshot-2-busy.usearch.tmp");
        File.WriteAllText(stale, "encodings of a transfer that never finished");
        File.WriteAllText(recent, "another transfer under way");
        File.SetLastWriteTimeUtc(stale, DateTime.UtcNow.AddHours(-2));

        var path = PostgresIndexSnapshots.PrivateTempGraph(work, "snapshot-new.usearch.tmp");

        Assert.False(File.Exists(stale));
        Assert.True(File.Exists(recent));
        Assert.Equal(0, new FileInfo(path).Length);
        if (!OperatingSystem.IsWindows())
            Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite, File.GetUnixFileMode(path));
        Assert.Throws<IOException>(() => PostgresIndexSnapshots.PrivateTempGraph(work, "snapshot-new.usearch.tmp"));
    }
}
