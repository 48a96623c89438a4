using System.Diagnostics;
using Visage;
using Visage.Alignment;
using Visage.Imaging;
using Visage.Models;
using Visage.Recognition;

// Median milliseconds per face for each stage of the default pipeline, on LFW photos.
// Usage: dotnet run -c Release --project bench/Visage.Bench -- [LFW_IMAGES_FOLDER] [COUNT] [PACK]
var shared = Environment.GetEnvironmentVariable("VISAGE_SHARED") ?? Path.Combine("..", "shared");
var folder = args.Length > 0 ? args[0] : Path.Combine(shared, "data", "lfw", "images");
var count = args.Length > 1 ? int.Parse(args[1]) : 300;
if (!Directory.Exists(folder))
{
    Console.Error.WriteLine($"bench: {folder}: no such folder of LFW images (pass it as the first argument)");
    return 1;
}

var photos = Directory.EnumerateFiles(folder, "*.jpg", SearchOption.AllDirectories)
    .Order(StringComparer.Ordinal).Take(count).ToList();
var pack = args.Length > 2 ? ModelCatalog.Get(args[2]) : ModelCatalog.Default;
using var pipeline = await FacePipeline.LoadAsync(pack, new ModelStore(VisageHome.FromEnvironment()));

var detect = new List<double>();
var landmarks = new List<double>();
var embed = new List<double>();
const int warmUp = 10;
for (var i = 0; i < photos.Count; i++)
{
    using var image = ImageReader.Read(photos[i]);
    var clock = Stopwatch.StartNew();
    var faces = pipeline.Detector.Detect(image.Pixels);
    var tDetect = clock.Elapsed.TotalMilliseconds;
    if (faces.Count == 0) continue;
    var face = faces.MinBy(f => Math.Abs(f.Box.Center.X - image.Width / 2f) + Math.Abs(f.Box.Center.Y - image.Height / 2f))!;

    clock.Restart();
    var points = pipeline.Landmarker!.Locate(image.Pixels, [face.Box])[0];
    var tLandmarks = clock.Elapsed.TotalMilliseconds;

    clock.Restart();
    pipeline.Embedder.Embed(image.Pixels, [new LocatedFace(face.Box, face.Score, points)]);
    var tEmbed = clock.Elapsed.TotalMilliseconds;

    if (i < warmUp) continue;
    detect.Add(tDetect);
    landmarks.Add(tLandmarks);
    embed.Add(tEmbed);
}

static double Median(List<double> values)
{
    var sorted = values.Order().ToArray();
    return sorted.Length == 0 ? double.NaN : sorted[sorted.Length / 2];
}

Console.WriteLine($"pack {pack.Id}, {detect.Count} LFW photos (250x250), {Environment.ProcessorCount} cores");
Console.WriteLine($"median ms per face: detection {Median(detect):0.00}, landmarks {Median(landmarks):0.00}, " +
                  $"embedding {Median(embed):0.00}, total {Median(detect) + Median(landmarks) + Median(embed):0.00}");
return 0;
