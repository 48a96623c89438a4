using System.Security.Cryptography;
using System.Text;

namespace Visage.Recognition;

/// <summary>
/// Everything that shapes an encoding: the model pack and the hashes of its weights, the detector and its
/// thresholds, the alignment. Encodings are comparable only under the same fingerprint, so it binds a
/// gallery and keys every cache of encodings. <see cref="Id"/> is a short hash of <see cref="Description"/>.
/// </summary>
public sealed record PipelineFingerprint
{
    /// <summary>Bump when alignment or pre-processing code changes what an encoding is.</summary>
    internal const int AlignmentVersion = 1;

    private PipelineFingerprint(string modelId, string description)
    {
        ModelId = modelId;
        Description = description;
        Id = Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(description)))[..16];
    }

    /// <summary>The encoding model: a pack id, or the seed network with a hash of its weights.</summary>
    public string ModelId { get; }

    /// <summary>16 hex digits naming this pipeline.</summary>
    public string Id { get; }

    /// <summary>The pipeline in words, one part a line: what <see cref="Id"/> hashes.</summary>
    public string Description { get; }

    /// <summary>A short human summary: model and detector.</summary>
    public string Summary => Description.Split('\n')[0];

    internal static PipelineFingerprint Create(string modelId, string detector, IEnumerable<string> parts)
    {
        var text = new StringBuilder()
            .Append(modelId).Append(" with ").Append(detector).Append('\n');
        foreach (var part in parts) text.Append(part).Append('\n');
        text.Append("alignment v").Append(AlignmentVersion);
        return new PipelineFingerprint(modelId, text.ToString());
    }

    public override string ToString() => $"{Summary} [{Id}]";
}
