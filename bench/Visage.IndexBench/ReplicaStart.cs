using System.Diagnostics;
using System.Runtime.InteropServices;
using Npgsql;
using NpgsqlTypes;
using Visage.Search;
using Visage.Storage;
using Visage.Storage.Postgres;
using Visage.Tests.Postgres;

namespace Visage.IndexBench;

/// <summary>
/// A replica's start with the gallery's faces in PostgreSQL (--replica yes, after the index bench): a real
/// PostgreSQL 15 started as the tests start it, the same faces (same ids, names, encodings) written into the
/// store in binary COPY (so the change log holds an add for each, as enrolments leave it), the graph the bench
/// built saved where a replica saves it, at the store's stamp; then, as if the replica had been down, other
/// writes (new faces, renames); then the replica opened: it loads the graph and replays the log since. Also
/// timed: reading every face in binary COPY (what a replica with no saved graph does before it builds one, whose
/// time the bench measured above), and an erasure followed by the replica's reconciliation.
/// </summary>
internal static class ReplicaStart
{
    public static async Task RunAsync(Options options, Report report, HnswFaceIndex hnsw, int total,
        Func<int, IndexedFace> row, Func<int, float[]> extra, int dimensions, string modelId)
    {
        await using var server = await PostgresServer.StartAsync();
        var url = server.UrlOf(await server.CreateDatabaseNameAsync());
        var binding = new GalleryBinding(modelId, dimensions, null, null);
        using var gallery = await PostgresGallery.OpenAsync(url, binding);

        var clock = Stopwatch.StartNew();
        // No command timeout: the server runs each row's change trigger before COPY completes.
        var bulk = PostgresLocation.Parse(url);
        bulk.CommandTimeout = 0;
        await using (var connection = new NpgsqlConnection(bulk.ConnectionString))
        {
            await connection.OpenAsync();
            await using (var identities = await connection.BeginBinaryImportAsync(
                             "COPY identities (id, name) FROM STDIN (FORMAT BINARY)"))
            {
                for (var r = 0; r < total; r++)
                {
                    await identities.StartRowAsync();
                    await identities.WriteAsync((long)r + 1, NpgsqlDbType.Bigint);
                    await identities.WriteAsync(row(r).Identity, NpgsqlDbType.Text);
                }
                await identities.CompleteAsync();
            }
            var added = DateTime.UtcNow;
            await using (var faces = await connection.BeginBinaryImportAsync(
                             "COPY faces (id, identity_id, model_id, embedding, source_path, image_sha256, added_at) FROM STDIN (FORMAT BINARY)"))
            {
                for (var r = 0; r < total; r++)
                {
                    var face = row(r);
                    await faces.StartRowAsync();
                    await faces.WriteAsync(face.Id, NpgsqlDbType.Bigint);
                    await faces.WriteAsync((long)r + 1, NpgsqlDbType.Bigint);
                    await faces.WriteAsync(modelId, NpgsqlDbType.Text);
                    await faces.WriteAsync(MemoryMarshal.AsBytes(face.Embedding.AsSpan()).ToArray(), NpgsqlDbType.Bytea);
                    await faces.WriteAsync($"bench/{face.Id}.jpg", NpgsqlDbType.Text);
                    await faces.WriteAsync($"{face.Id:x64}", NpgsqlDbType.Text);
                    await faces.WriteAsync(added, NpgsqlDbType.TimestampTz);
                }
                await faces.CompleteAsync();
            }
            await using var sequences = new NpgsqlCommand("""
                SELECT setval('identities_id_seq', (SELECT max(id) FROM identities));
                SELECT setval('faces_id_seq', (SELECT max(id) FROM faces));
                ANALYZE
                """, connection);
            await sequences.ExecuteNonQueryAsync();
        }
        var stamp = await gallery.GetStampAsync();
        report.Note($"replica: {total:N0} faces written to PostgreSQL {server.Version} in binary COPY in {clock.Elapsed.TotalSeconds:0.0} s " +
                    $"(the change log holds {PostgresIndexSync.ChangeOf(stamp):N0} adds); load average {Measure.Load()}");

        // The graph as a replica saved it when it last closed, at that stamp.
        var folder = Path.Combine(options.Out, "replica-index");
        if (Directory.Exists(folder)) Directory.Delete(folder, recursive: true);
        clock.Restart();
        FaceIndexFile.Save(hnsw, folder, stamp);
        report.Note($"replica: graph saved in {clock.Elapsed.TotalSeconds:0.0} s ({Directory.GetFiles(folder).Sum(f => new FileInfo(f).Length) / 1e9:0.00} GB)");
        hnsw.Dispose();
        GC.Collect();

        // While it is down, others write: 1,000 new faces in batches of 100, and 10 people renamed.
        var newFaces = Enumerable.Range(0, 1_000).Select(i => new NewFace($"newcomer{i:D4}", extra(i),
            $"new/{i}.jpg", $"new{i:D60}")).ToList();
        for (var i = 0; i < newFaces.Count; i += 100) await gallery.AddAsync(newFaces.Skip(i).Take(100).ToList());
        for (var i = 0; i < 10; i++) await gallery.RenamePersonAsync(row(total - 1 - i).Identity, $"renamed{i}");
        var behind = PostgresIndexSync.ChangeOf(await gallery.GetStampAsync()) - PostgresIndexSync.ChangeOf(stamp);

        var indexOptions = FaceIndexOptions.Default with { Hnsw = options.Hnsw };
        clock.Restart();
        await using (var replica = await GalleryIndex.OpenAsync(gallery, folder, url, indexOptions))
        {
            var started = clock.Elapsed.TotalSeconds;
            if (!replica.Loaded) throw new InvalidOperationException($"the replica did not load its graph: {replica.WhyBuilt}");
            if (replica.Count != total + newFaces.Count)
                throw new InvalidOperationException($"the replica holds {replica.Count} faces, {total + newFaces.Count} expected");
            var renamed = replica.Search(row(total - 1).Embedding, 1)[0].Identity;
            report.Note($"replica start with a saved graph: ready in {started:0.0} s (loaded, then replayed {behind:N0} changes made " +
                        $"while it was down: 1,000 faces added, 10 people renamed); it holds {replica.Count:N0} faces; " +
                        $"nearest to a renamed person's face: {renamed}; process memory {Measure.Rss()}; load average {Measure.Load()}");

            // An erasure: every replica reconciles with the store (the log before it is dropped).
            clock.Restart();
            await gallery.DeletePersonAsync(row(5_000).Identity);
            var deleted = clock.Elapsed.TotalSeconds;
            await replica.Sync!.CatchUpNowAsync();
            report.Note($"replica: a person erased in {deleted:0.00} s; the replica reconciled with {replica.Count:N0} stored faces " +
                        $"in {clock.Elapsed.TotalSeconds - deleted:0.00} s (reconciliations: {replica.Sync.Reconciled})");
        }

        // What a replica with no saved graph does first: read every face in binary COPY.
        GC.Collect();
        clock.Restart();
        var (all, _) = await gallery.ReadIndexFacesAsync();
        report.Note($"replica with no saved graph: read {all.Count:N0} faces in binary COPY in {clock.Elapsed.TotalSeconds:0.0} s, " +
                    $"then builds the graph (the build time above); load average {Measure.Load()}");
        all = [];

        if (options.Snapshot) await SnapshotStart.RunAsync(options, report, gallery, url, folder, extra);
    }
}
