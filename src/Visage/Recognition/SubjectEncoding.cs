namespace Visage.Recognition;

/// <summary>How the subject's face of a photo was found.</summary>
public enum SubjectSource
{
    /// <summary>The detector found it (the face nearest the centre when there were several).</summary>
    Detected,

    /// <summary>No face was detected; the central box where LFW puts the subject was used instead.</summary>
    CentralBox,
}

/// <summary>The encoding of a photo's subject.</summary>
public sealed record SubjectEncoding(string Path, float[] Embedding, SubjectSource Source);
