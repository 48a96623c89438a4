namespace Visage.Video;

public enum WatchEventKind
{
    /// <summary>People were greeted.</summary>
    Greeting,

    /// <summary>A processed frame had faces in it (logged only when every frame is asked for).</summary>
    Recognition,
}
