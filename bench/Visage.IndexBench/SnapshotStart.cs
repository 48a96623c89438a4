using System.Diagnostics;
using Visage.Search;
using Visage.Storage;
using Visage.Storage.Postgres;

namespace Visage.IndexBench;

/// <summary>
/// A NEW replica's start from the store's graph snapshot (--snapshot yes, after the replica step, on its
/// PostgreSQL): a replica that loads the graph saved in the replica step uploads it as the store's snapshot; then,
/// as others keep writing (1,000 faces, 10 renames), a replica with an EMPTY Visage home starts: it downloads the
/// snapshot (checksum verified) while it reads every face's encoding in binary COPY, loads the graph and adds the faces
/// stored since, then replays the change log from there. Each step timed.
/// </summary>
internal static class SnapshotStart
{
    public static async Task RunAsync(Options options, Report report, PostgresGallery gallery, string url,
        string savedFolder, Func<int, float[]> extra)
    {
        var indexOptions = FaceIndexOptions.Default with { Hnsw = options.Hnsw, SnapshotCheck = null };
        GC.Collect();
        var clock = Stopwatch.StartNew();
        SnapshotUpload upload;
        await using (var uploader = await GalleryIndex.OpenAsync(gallery, savedFolder, url, indexOptions))
        {
            var opened = clock.Elapsed.TotalSeconds;
            if (uploader.Origin != "loaded") throw new InvalidOperationException($"the uploading replica did not load its graph: {uploader.WhyBuilt}");
            clock.Restart();
            upload = await uploader.UploadSnapshotAsync();
            if (upload.Id is null) throw new InvalidOperationException($"no snapshot uploaded: {upload.WhyNot}");
            report.Note($"snapshot: a replica that loaded its saved graph ({uploader.Count:N0} faces, {opened:0.0} s) uploaded it to the store " +
                        $"in {clock.Elapsed.TotalSeconds:0.0} s ({upload.Bytes / 1e9:0.00} GB graph in {PostgresIndexSnapshots.DefaultPartBytes >> 20} MB parts, " +
                        $"one transaction; at change {upload.Stamp:N0}); load average {Measure.Load()}");
        }
        GC.Collect();

        // After the snapshot, others write: 1,000 new faces in batches of 100, and 10 people renamed.
        var newFaces = Enumerable.Range(0, 1_000).Select(i => new NewFace($"after-snapshot{i:D4}", extra(100_000 + i),
            $"after-snapshot/{i}.jpg", $"snap{i:D60}")).ToList();
        for (var i = 0; i < newFaces.Count; i += 100) await gallery.AddAsync(newFaces.Skip(i).Take(100).ToList());
        // The replica step enrolled newcomer0000 to newcomer0999.
        for (var i = 0; i < 10; i++) await gallery.RenamePersonAsync($"newcomer{i:D4}", $"snapshot-renamed{i}");
        var stored = (await gallery.ReadIndexFacesAsync()).Faces.Count;
        GC.Collect();

        var home = Path.Combine(options.Out, "new-replica-home");
        if (Directory.Exists(home)) Directory.Delete(home, recursive: true);
        clock.Restart();
        await using (var replica = await GalleryIndex.OpenAsync(gallery, home, url, indexOptions))
        {
            var ready = clock.Elapsed.TotalSeconds;
            if (replica.FromSnapshot is not { } start)
                throw new InvalidOperationException($"the new replica did not start from the snapshot: {replica.WhyBuilt}");
            if (replica.Count != stored)
                throw new InvalidOperationException($"the new replica holds {replica.Count} faces, {stored} expected");
            var replay = ready - replica.OpenTime.TotalSeconds;
            var found = replica.Search(newFaces[^1].Embedding, 1)[0].Identity;
            report.Note($"snapshot: a NEW replica (empty Visage home) ready in {ready:0.0} s: snapshot {start.Id} downloaded and its " +
                        $"SHA-256 checked in {start.Download.TotalSeconds:0.0} s while the {stored:N0} encodings were read in binary COPY " +
                        $"(side by side, {start.Encodings.TotalSeconds:0.0} s), then the graph loaded and the {start.Added:N0} faces stored since added in " +
                        $"{start.Load.TotalSeconds:0.0} s, then the log replayed and caught up in {replay:0.0} s; it holds " +
                        $"{replica.Count:N0} faces; nearest to the last face added: {found}; process memory {Measure.Rss()}; " +
                        $"load average {Measure.Load()}");
            clock.Restart();
            await replica.FirstSnapshotCheck;
            report.Note($"snapshot: the new replica then saved the graph in its own home in the background ({clock.Elapsed.TotalSeconds:0.0} s more)");
        }
        Directory.Delete(home, recursive: true);
    }
}
