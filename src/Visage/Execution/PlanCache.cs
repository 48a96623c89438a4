using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using System.Text.Json.Serialization;

namespace Visage.Execution;

/// <summary>
/// Tuned plans on disk, one JSON file per network in <c>$VISAGE_HOME/plans</c>, keyed by the machine (CPU
/// model, cores, vector instructions), the versions of ONNX Runtime and OpenCV, the network's SHA-256 and the
/// graph rewrites it admits (so that a new rewrite gets measured): change any of them and the network is tuned
/// again. A file that cannot be read or does not match its key is ignored (and replaced by the next tuning);
/// files appear atomically.
/// </summary>
internal sealed class PlanCache(string folder, MachineProfile machine, string libraries)
{
    /// <summary>Bump when the way plans run changes what a timing means.</summary>
    private const int FormatVersion = 2;

    private static readonly JsonSerializerOptions Json = new()
    {
        WriteIndented = true,
        PropertyNamingPolicy = JsonNamingPolicy.CamelCase,
        Converters = { new JsonStringEnumConverter(JsonNamingPolicy.CamelCase) },
        NumberHandling = JsonNumberHandling.AllowNamedFloatingPointLiterals,
    };

    public string Folder { get; } = folder;

    /// <summary>The versions of the libraries plans run on, as keyed.</summary>
    public static string CurrentLibraries =>
        $"onnxruntime {OnnxRuntimeRunner.LibraryVersion}, opencv {OpenCvDnnRunner.LibraryVersion}";

    public string Key(OnnxModel model, TuningRequest request) =>
        Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(string.Join('\n',
            $"visage plans v{FormatVersion}", machine.Cpu, machine.Cores, machine.Instructions, libraries,
            model.Sha256, string.Join(",", model.Rewrites), $"{request.InputMin:R} {request.InputMax:R} {request.TypicalBatch}" + (request.Quantised ? " int8" : "")))));

    public string PathOf(OnnxModel model, TuningRequest request)
    {
        var name = new string(model.Name.Select(c => char.IsAsciiLetterOrDigit(c) || c is '-' or '_' or '.' ? c : '_').ToArray());
        return Path.Combine(Folder, $"{name}-{Key(model, request)[..16]}.json");
    }

    public TuningReport? Find(OnnxModel model, TuningRequest request)
    {
        var path = PathOf(model, request);
        try
        {
            if (!File.Exists(path)) return null;
            var entry = JsonSerializer.Deserialize<Entry>(File.ReadAllText(path), Json);
            return entry is not null && entry.Key == Key(model, request) && entry.Report.ModelSha256 == model.Sha256
                ? entry.Report
                : null;
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException or JsonException or NotSupportedException)
        {
            return null;
        }
    }

    /// <summary>Stores a report; false (and nothing half-written) when the folder cannot be written.</summary>
    public bool Store(OnnxModel model, TuningRequest request, TuningReport report)
    {
        var path = PathOf(model, request);
        var partial = $"{path}.{Guid.NewGuid():N}.partial";
        try
        {
            CreatePrivateFolder(Folder);
            var entry = new Entry(Key(model, request), machine.Describe(), libraries, DateTimeOffset.UtcNow, report);
            var create = new FileStreamOptions { Mode = FileMode.CreateNew, Access = FileAccess.Write };
            if (!OperatingSystem.IsWindows()) create.UnixCreateMode = UnixFileMode.UserRead | UnixFileMode.UserWrite;
            using (var stream = new FileStream(partial, create))
                JsonSerializer.Serialize(stream, entry, Json);
            File.Move(partial, path, overwrite: true);
            return true;
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            return false;
        }
        finally
        {
            try
            {
                File.Delete(partial);
            }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException)
            {
            }
        }
    }

    private static void CreatePrivateFolder(string folder)
    {
        if (Directory.Exists(folder)) return;
        if (OperatingSystem.IsWindows()) Directory.CreateDirectory(folder);
        else Directory.CreateDirectory(folder, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
    }

    private sealed record Entry(string Key, string Machine, string Libraries, DateTimeOffset TunedAt, TuningReport Report);
}
