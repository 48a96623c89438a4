using System.Diagnostics;
using Visage.Alignment;
using Visage.Embedding;
using Visage.Execution;
using Visage.Imaging;
using Visage.Models;
using Visage.Recognition;
using Visage.Storage;

namespace Visage.Benchmarking;

/// <summary>
/// Measures a pipeline on a folder of photos the way a user runs it: each stage (decode, detect, landmarks,
/// align, embed, match) of every photo on one thread, then all photos decoded and recognised on every core, and
/// the resident memory of the loaded pipeline. Photos are read from disk before timing starts, so the figures
/// do not depend on the disk cache. The one-thread pass uses the networks' one-thread plans, as bulk work does.
/// </summary>
public static class PipelineBenchmark
{
    private static readonly string[] Extensions = [".jpg", ".jpeg", ".png", ".bmp", ".webp"];
    private const int WarmUpPhotos = 3;

    /// <summary>
    /// Measures the pipeline <paramref name="recognizer"/> describes (its model, detector and limits; its
    /// threads are set to one per network run here) on the photos <paramref name="request"/> names.
    /// </summary>
    public static async Task<BenchmarkReport> RunAsync(RecognizerOptions recognizer, BenchmarkRequest request,
        IProgress<BenchmarkProgress>? progress = null, CancellationToken ct = default)
    {
        var model = ModelChoice.Parse(recognizer.Model);
        var store = new ModelStore(recognizer.Home ?? VisageHome.FromEnvironment());
        var options = new PipelineOptions(recognizer.DetectionThreshold, IntraOpThreads: 1, Detector: recognizer.Detector,
            Tuning: request.Tuning) { DetectorInput = recognizer.DetectorInput };
        var limits = recognizer.Limits;
        var files = FindPhotos(request.ImagesFolder, request.Count);
        var loadBefore = MachineLoad.OneMinuteAverage();
        progress?.Report(new BenchmarkProgress($"reading {files.Count} photos"));
        var photos = new List<(string Path, byte[] Bytes)>(files.Count);
        foreach (var file in files)
        {
            ct.ThrowIfCancellationRequested();
            photos.Add((file, await File.ReadAllBytesAsync(file, ct)));
        }

        var beforeLoad = ResidentBytes();
        var loadProgress = new SyncProgress<FetchProgress>(p => progress?.Report(new BenchmarkProgress(p.Step, Detail: p.Detail)));
        using var pipeline = await FacePipeline.LoadAsync(model, store, options, loadProgress, ct);
        if (request.SaveNetworksTo is { } folder)
            NetworkExport.Save(pipeline, model, options, folder);

        var decoded = new List<FaceImage>();
        try
        {
            var unreadable = 0;
            foreach (var (path, bytes) in photos)
            {
                try
                {
                    decoded.Add(ImageReader.Decode(bytes, path, limits));
                }
                catch (VisageException)
                {
                    unreadable++;
                }
            }
            if (decoded.Count == 0)
                throw new VisageException($"{request.ImagesFolder}: none of the {photos.Count} photos could be decoded");
            foreach (var image in decoded.Take(WarmUpPhotos)) pipeline.Analyze(image.Pixels);
            var loaded = ResidentBytes();

            var single = OneThread(pipeline, photos, limits, progress, ct);
            var allCores = AllCores(pipeline, photos, single.Gallery, limits, request.Workers ?? Environment.ProcessorCount,
                progress, ct);
            var afterRun = ResidentBytes();

            var machine = MachineProfile.Current;
            return new BenchmarkReport(
                pipeline.ModelId,
                new BenchmarkMachine(machine.Cpu, machine.Cores, machine.Instructions, loadBefore, MachineLoad.OneMinuteAverage()),
                PlanCache.CurrentLibraries,
                Path.GetFullPath(request.ImagesFolder),
                decoded.Count,
                single.Faces,
                single.PhotosWithoutFaces,
                single.Stages,
                single.EndToEnd,
                allCores,
                new MemoryResult(beforeLoad, loaded, afterRun, pipeline.Plans.Any(p => p.Source == PlanSource.Tuned)),
                pipeline.Plans.Select(Describe).ToList(),
            unreadable);
        }
        finally
        {
            foreach (var image in decoded) image.Dispose();
        }
    }

    /// <summary>Photos under a folder and its subfolders, ordinal order of path, at most <paramref name="count"/>.</summary>
    public static IReadOnlyList<string> FindPhotos(string folder, int count)
    {
        if (count < 1) throw new VisageException($"the number of photos must be at least 1, not {count}");
        if (!Directory.Exists(folder)) throw new VisageException($"{folder}: no such folder of photos");
        var options = new EnumerationOptions { RecurseSubdirectories = true, IgnoreInaccessible = true, AttributesToSkip = FileAttributes.ReparsePoint };
        var photos = Directory.EnumerateFiles(folder, "*", options)
            .Where(f => Extensions.Contains(Path.GetExtension(f), StringComparer.OrdinalIgnoreCase))
            .Order(StringComparer.Ordinal)
            .Take(count)
            .ToList();
        return photos.Count > 0
            ? photos
            : throw new VisageException($"{folder}: no photos (.jpg, .jpeg, .png, .bmp, .webp) in it or its subfolders");
    }

    private sealed record OneThreadResult(IReadOnlyList<StageTiming> Stages, StageTiming EndToEnd, int Faces,
        int PhotosWithoutFaces, IReadOnlyList<GalleryFace> Gallery);

    private static readonly string[] StageNames = ["decode", "detect", "landmarks", "align", "embed", "match"];

    private static OneThreadResult OneThread(FacePipeline pipeline, IReadOnlyList<(string Path, byte[] Bytes)> photos,
        ImageLimits? limits, IProgress<BenchmarkProgress>? progress, CancellationToken ct)
    {
        var embedder = pipeline.Embedder as IStagedEmbedder
                       ?? throw new VisageException($"{pipeline.ModelId}: this embedder cannot be timed stage by stage");
        // Per photo with faces: each stage's wall and CPU milliseconds, and the faces found.
        var timings = new List<(double[] Wall, double[] Cpu, int Faces)>();
        var encoded = new List<(string Path, float[] Embedding)>();
        var withoutFaces = 0;
        for (var i = 0; i < photos.Count; i++)
        {
            ct.ThrowIfCancellationRequested();
            progress?.Report(new BenchmarkProgress("one thread", i, photos.Count));
            var wall = new double[StageNames.Length];
            var cpu = new double[StageNames.Length];
            FaceImage image;
            try
            {
                (image, wall[0], cpu[0]) = StageClock.Time(() => ImageReader.Decode(photos[i].Bytes, photos[i].Path, limits));
            }
            catch (VisageException)
            {
                continue;
            }
            using (image)
            {
                var (faces, detectWall, detectCpu) = StageClock.Time(() => pipeline.Detector.Detect(image.Pixels));
                (wall[1], cpu[1]) = (detectWall, detectCpu);
                if (faces.Count == 0)
                {
                    withoutFaces++;
                    continue;
                }
                IReadOnlyList<Landmarks.FaceLandmarks?> points = new Landmarks.FaceLandmarks?[faces.Count];
                if (embedder.UsesLandmarks && pipeline.Landmarker is not null)
                    (points, wall[2], cpu[2]) = StageClock.Time(() => pipeline.Locate(image.Pixels, faces));
                var located = faces.Select((f, k) => new LocatedFace(f.Box, f.Score, points[k])).ToList();
                var (prepared, alignWall, alignCpu) = StageClock.Time(() => embedder.Prepare(image.Pixels, located));
                (wall[3], cpu[3]) = (alignWall, alignCpu);
                var (embeddings, embedWall, embedCpu) = StageClock.Time(() => embedder.Encode(prepared));
                (wall[4], cpu[4]) = (embedWall, embedCpu);
                foreach (var embedding in embeddings) encoded.Add((photos[i].Path, embedding));
                timings.Add((wall, cpu, faces.Count));
            }
        }
        progress?.Report(new BenchmarkProgress("one thread", photos.Count, photos.Count));

        // Match: every face against a gallery of every face found, named by folder. The pass runs once untimed
        // first: it is over in a fraction of a second, too soon for the runtime to replace its first, unoptimised
        // compilation of the matching code (the other stages run long enough that their medians are of optimised
        // code), and timed cold it measured that compilation, about ten times the matching itself.
        var gallery = encoded.Select((e, k) => new GalleryFace(k, Identity(e.Path), e.Embedding,
            e.Path, "", DateTimeOffset.UnixEpoch)).ToList();
        var matcher = new FaceMatcher(gallery);
        WarmUp(() =>
        {
            foreach (var (_, embedding) in encoded)
                matcher.Identify(new Face(default, 1, null, embedding), pipeline.DefaultThreshold);
        });
        var next = 0;
        foreach (var timing in timings)
        {
            for (var f = 0; f < timing.Faces; f++, next++)
            {
                var face = new Face(default, 1, null, encoded[next].Embedding);
                var (_, matchWall, matchCpu) = StageClock.Time(() => matcher.Identify(face, pipeline.DefaultThreshold));
                timing.Wall[5] += matchWall;
                timing.Cpu[5] += matchCpu;
            }
        }

        var stages = StageNames.Select((name, s) => Timing(name,
            timings.Select(t => t.Wall[s] / t.Faces).ToList(),
            timings.Select(t => t.Cpu[s] / t.Faces).ToList())).ToList();
        var endToEnd = Timing("end to end",
            timings.Select(t => t.Wall.Sum() / t.Faces).ToList(),
            timings.Select(t => t.Cpu.Sum() / t.Faces).ToList());
        return new OneThreadResult(stages, endToEnd, timings.Sum(t => t.Faces), withoutFaces, gallery);
    }

    /// <summary>
    /// Runs <paramref name="pass"/> until the runtime has had time to optimise the code it calls (tiered
    /// compilation recompiles a method called 30 times once no new method has been compiled for 100 ms).
    /// </summary>
    private static void WarmUp(Action pass)
    {
        var start = Stopwatch.GetTimestamp();
        do pass();
        while (Stopwatch.GetElapsedTime(start).TotalMilliseconds < 500);
    }

    private static ThroughputResult AllCores(FacePipeline pipeline, IReadOnlyList<(string Path, byte[] Bytes)> photos,
        IReadOnlyList<GalleryFace> gallery, ImageLimits? limits, int workers, IProgress<BenchmarkProgress>? progress,
        CancellationToken ct)
    {
        if (workers < 1) throw new VisageException($"the number of threads must be at least 1, not {workers}");
        var matcher = new FaceMatcher(gallery);
        var faces = 0;
        var done = 0;
        using var process = Process.GetCurrentProcess();
        var cpuBefore = process.TotalProcessorTime;
        var start = Stopwatch.GetTimestamp();
        Parallel.ForEach(photos, new ParallelOptions { MaxDegreeOfParallelism = workers, CancellationToken = ct }, photo =>
        {
            try
            {
                using var image = ImageReader.Decode(photo.Bytes, photo.Path, limits);
                var found = pipeline.Analyze(image.Pixels);
                foreach (var face in found) matcher.Identify(face, pipeline.DefaultThreshold);
                Interlocked.Add(ref faces, found.Count);
            }
            catch (VisageException)
            {
            }
            progress?.Report(new BenchmarkProgress($"{workers} threads", Interlocked.Increment(ref done), photos.Count));
        });
        var seconds = Stopwatch.GetElapsedTime(start).TotalSeconds;
        process.Refresh();
        var cpuSeconds = (process.TotalProcessorTime - cpuBefore).TotalSeconds;
        return new ThroughputResult(workers, photos.Count, faces, seconds, photos.Count / seconds, faces / seconds,
            cpuSeconds);
    }

    private static StageTiming Timing(string name, IReadOnlyList<double> wall, IReadOnlyList<double> cpu) => new(name,
        StageClock.Percentile(wall, 0.5), StageClock.Percentile(wall, 0.95),
        StageClock.Percentile(cpu, 0.5), StageClock.Percentile(cpu, 0.95));

    private static string Identity(string path)
    {
        var folder = Path.GetFileName(Path.GetDirectoryName(path));
        return string.IsNullOrEmpty(folder) ? Path.GetFileNameWithoutExtension(path) : folder;
    }

    private static NetworkPlanReport Describe(NetworkPlanChoice choice) => new(
        choice.Network,
        choice.Plan.Describe(),
        choice.Plan.Backend == ExecutionBackend.OnnxRuntime ? "onnxruntime" : "opencv-dnn",
        choice.Plan.Backend == ExecutionBackend.OnnxRuntime ? choice.Plan.Optimization.ToString().ToLowerInvariant() : "n/a",
        choice.Plan.Threads,
        choice.Plan.BatchSize == int.MaxValue ? null : choice.Plan.BatchSize,
        choice.Source.ToString().ToLowerInvariant(),
        choice.Report?.Candidates.LastOrDefault(c => c.Plan == choice.Plan && c.Status == CandidateStatus.Measured)?.MedianMs,
        choice.Report?.AllCores.Describe(),
        choice.Report?.LoadBefore);

    /// <summary>The process's resident memory after a full collection, in bytes.</summary>
    private static long ResidentBytes()
    {
        GC.Collect();
        GC.WaitForPendingFinalizers();
        GC.Collect();
        using var process = Process.GetCurrentProcess();
        process.Refresh();
        return process.WorkingSet64;
    }
}
