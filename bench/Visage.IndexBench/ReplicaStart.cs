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
/// store in binary COPY (so the change log logs an add for each, as enrolments do, and keeps the newest 10,000),
/// the graph the bench built saved where a replica saves it, at the store's stamp; then, as if the replica had
/// been down, other writes (new faces, renames); then the replica opened: it loads the graph and replays the log
/// since. Then what the one-second target is about: people erased and faces enrolled through another
/// connection to the store (store A), each timed from the write's start until the replica's index no longer
/// holds the person's face (or holds the new one), polled every millisecond. Also timed: reading every face in
/// binary COPY (what a replica with no saved graph does before it builds one, whose time the bench measured above).
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
        var logged = await ScalarAsync(url, "SELECT count(*) FROM changes");
        report.Note($"replica: {total:N0} faces written to PostgreSQL {server.Version} in binary COPY in {clock.Elapsed.TotalSeconds:0.0} s " +
                    $"(each logged as an add, change {PostgresIndexSync.ChangeOf(stamp):N0} the last; the log trimmed to its newest {logged:N0} at the end " +
                    $"of the COPY); load average {Measure.Load()}");

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
            report.Note($"replica start with a saved graph: ready in {started:0.0} s (loaded in {replica.OpenTime.TotalSeconds:0.0} s, " +
                        $"then replayed {behind:N0} changes made " +
                        $"while it was down: 1,000 faces added, 10 people renamed; reconciliations: {replica.Sync!.Reconciled}); " +
                        $"it holds {replica.Count:N0} faces; nearest to a renamed person's face: {renamed}; " +
                        $"process memory {Measure.Rss()}; load average {Measure.Load()}");

            // Store A: another connection to the store (another replica's), through which people are erased and
            // faces enrolled; the replica learns of each by NOTIFY. Timed until the replica's index shows it.
            using var storeA = await PostgresGallery.OpenAsync(url, binding);
            const int Rounds = 5;
            var erasures = new List<(double Write, double Seen)>();
            for (var i = 0; i < Rounds; i++)
            {
                var gone = row(5_000 + 1_000 * i);
                if (!replica.Contains(gone.Id)) throw new InvalidOperationException($"face {gone.Id} is not in the replica");
                clock.Restart();
                await storeA.DeletePersonAsync(gone.Identity);
                var write = clock.Elapsed.TotalSeconds;
                await UntilAsync(() => !replica.Contains(gone.Id), $"the replica forgets face {gone.Id}");
                erasures.Add((write, clock.Elapsed.TotalSeconds));
                await Task.Delay(200);
            }
            var enrolments = new List<(double Write, double Seen)>();
            for (var i = 0; i < Rounds; i++)
            {
                var face = new NewFace($"enrolled{i}", extra(newFaces.Count + i), $"enrolled/{i}.jpg", $"enrolled{i:D56}");
                clock.Restart();
                var result = await storeA.AddAsync([face]);
                var write = clock.Elapsed.TotalSeconds;
                var id = result.Added.Single().Id;
                await UntilAsync(() => replica.Contains(id), $"the replica holds face {id}");
                enrolments.Add((write, clock.Elapsed.TotalSeconds));
                await Task.Delay(200);
            }
            static string Times(List<(double Write, double Seen)> runs, Func<(double Write, double Seen), double> of) =>
                string.Join(", ", runs.Select(r => $"{of(r):0.000}"));
            report.Note($"replica: {Rounds} people erased through store A: the erase itself took {Times(erasures, r => r.Write)} s; " +
                        $"the replica's index had dropped the person's face {Times(erasures, r => r.Seen)} s after the erase began " +
                        $"(max {erasures.Max(r => r.Seen):0.000} s); erasures applied directly {replica.Sync.ErasesApplied}, " +
                        $"reconciliations {replica.Sync.Reconciled}; load average {Measure.Load()}");
            report.Note($"replica: {Rounds} faces enrolled through store A: the enrolment took {Times(enrolments, r => r.Write)} s; " +
                        $"the replica's index held the face {Times(enrolments, r => r.Seen)} s after it began " +
                        $"(max {enrolments.Max(r => r.Seen):0.000} s); load average {Measure.Load()}");
        }

        // What a replica with no saved graph does first: read every face in binary COPY.
        GC.Collect();
        clock.Restart();
        var (all, _) = await gallery.ReadIndexFacesAsync();
        report.Note($"replica with no saved graph: read {all.Count:N0} faces in binary COPY in {clock.Elapsed.TotalSeconds:0.0} s, " +
                    $"then builds the graph (the build time above); load average {Measure.Load()}");
    }

    private static async Task<long> ScalarAsync(string url, string sql)
    {
        await using var connection = new NpgsqlConnection(PostgresLocation.Parse(url).ConnectionString);
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand(sql, connection);
        return Convert.ToInt64(await command.ExecuteScalarAsync());
    }

    /// <summary>Polls every millisecond (about: the timer's resolution) for up to a minute.</summary>
    private static async Task UntilAsync(Func<bool> condition, string what)
    {
        var deadline = Stopwatch.StartNew();
        while (!condition())
        {
            if (deadline.Elapsed > TimeSpan.FromMinutes(1)) throw new TimeoutException($"not within a minute: {what}");
            await Task.Delay(1);
        }
    }
}
