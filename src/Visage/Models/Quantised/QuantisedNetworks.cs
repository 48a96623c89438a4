using System.Security.Cryptography;
using System.Text;
using Visage.Execution;

namespace Visage.Models.Quantised;

/// <summary>
/// The int8 form of a float network, made on this machine from the fetched float network and the shipped
/// calibration ranges, and cached in <c>$VISAGE_HOME/quantised</c> keyed by the float network's SHA-256, the
/// quantiser's version and its settings (made once, in a second or two; written atomically).
/// </summary>
internal static class QuantisedNetworks
{
    public static OnnxModel Load(OnnxModel floatModel, VisageHome home, QuantiserSettings? settings = null,
        CalibrationRanges? ranges = null)
    {
        settings ??= QuantiserSettings.Default;
        ranges ??= Shipped(floatModel);
        var name = floatModel.Name + Suffix;
        var key = Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(
            $"visage int8 v{Int8Quantiser.Version}\n{floatModel.Sha256}\n{settings.Describe()}\n{ranges.ToJson()}")))[..16];
        var folder = Path.Combine(home.Root, "quantised");
        var path = Path.Combine(folder, $"{CalibrationRanges.FileNameFor(floatModel.Name, floatModel.Sha256)[..^5]}-int8-{key}.onnx");
        if (File.Exists(path))
        {
            try
            {
                return OnnxModel.FromBytes(name, File.ReadAllBytes(path));
            }
            catch (Exception e) when (e is VisageException or IOException)
            {
                // A damaged cache file is made again below.
            }
        }
        var bytes = Quantise(floatModel, settings, ranges);
        try
        {
            Directory.CreateDirectory(folder);
            var partial = $"{path}.{Guid.NewGuid():N}.partial";
            File.WriteAllBytes(partial, bytes);
            File.Move(partial, path, overwrite: true);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            // Not cached: quantised again next time.
        }
        return OnnxModel.FromBytes(name, bytes);
    }

    private const string Suffix = "-int8";

    /// <summary>Whether a network is the int8 form this class made.</summary>
    public static bool IsQuantised(OnnxModel model) => model.Name.EndsWith(Suffix, StringComparison.Ordinal);

    private static CalibrationRanges Shipped(OnnxModel floatModel) =>
        CalibrationRanges.Shipped(floatModel.Name, floatModel.Sha256)
        ?? throw new QuantisationException(floatModel.Name,
            $"no calibration ranges ship for this network (SHA-256 {floatModel.Sha256[..16]}...): it cannot be quantised");

    /// <summary>Quantises with the given ranges, or the shipped ones for this network.</summary>
    public static byte[] Quantise(OnnxModel floatModel, QuantiserSettings settings, CalibrationRanges? ranges = null)
    {
        ranges ??= Shipped(floatModel);
        if (ranges.ModelSha256 != floatModel.Sha256)
            throw new QuantisationException(floatModel.Name,
                $"the calibration ranges were measured on another network (SHA-256 {ranges.ModelSha256[..16]}..., not {floatModel.Sha256[..16]}...)");
        var prepared = GraphPreparation.Prepare(floatModel.Bytes, floatModel.Name);
        return Int8Quantiser.Quantise(prepared, ranges.Ranges, floatModel.Name, settings);
    }
}
