using OpenCvSharp;

namespace Visage.Video;

/// <summary>
/// The on-screen window. OpenCV's windows belong to the thread that made them, so create, show and dispose
/// on one thread.
/// </summary>
internal sealed class PreviewWindow : IDisposable
{
    private const int Escape = 27;
    private readonly string _title;

    private PreviewWindow(string title)
    {
        _title = title;
    }

    /// <summary>Whether a window can be shown at all: on Linux and the BSDs, only with an X11 or Wayland display.</summary>
    public static bool DisplayAvailable()
    {
        if (OperatingSystem.IsWindows() || OperatingSystem.IsMacOS()) return true;
        return !string.IsNullOrEmpty(Environment.GetEnvironmentVariable("DISPLAY"))
               || !string.IsNullOrEmpty(Environment.GetEnvironmentVariable("WAYLAND_DISPLAY"));
    }

    /// <summary>Opens the window, or throws <see cref="VisageException"/> when the GUI cannot start.</summary>
    public static PreviewWindow Open(string title)
    {
        try
        {
            Cv2.NamedWindow(title, WindowFlags.AutoSize);
        }
        catch (OpenCVException e)
        {
            throw new VisageException($"no window could be opened ({e.Message.Split('\n')[0]})", e);
        }
        return new PreviewWindow(title);
    }

    /// <summary>Shows the frame; false once the user pressed Escape or q, or closed the window.</summary>
    public bool Show(Mat frame)
    {
        Cv2.ImShow(_title, frame);
        var key = Cv2.WaitKey(1) & 0xFF;
        if (key is Escape or 'q' or 'Q') return false;
        return Cv2.GetWindowProperty(_title, WindowPropertyFlags.Visible) >= 1;
    }

    public void Dispose()
    {
        try
        {
            Cv2.DestroyWindow(_title);
            Cv2.WaitKey(1);
        }
        catch (OpenCVException)
        {
            // Already gone with the display.
        }
    }
}
