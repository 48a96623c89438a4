namespace Visage.Detection;

public enum DetectorKind
{
    /// <summary>The model pack's own detector (UltraFace for the default pack).</summary>
    Pack,

    /// <summary>The seed's Haar cascade, boxes grown by 50 pixels.</summary>
    Haar,

    /// <summary>MediaPipe BlazeFace, the back-camera (256x256, full range) model: smaller faces than UltraFace.</summary>
    BlazeFace,
}
