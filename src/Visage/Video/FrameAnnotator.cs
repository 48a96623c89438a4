using OpenCvSharp;

namespace Visage.Video;

/// <summary>Draws each face's box and name on a frame: green for people it knows, red for strangers.</summary>
internal static class FrameAnnotator
{
    private static readonly Scalar Known = new(80, 200, 60);
    private static readonly Scalar Unknown = new(60, 60, 220);
    private static readonly Scalar Ink = new(255, 255, 255);

    public static void Draw(Mat frame, IReadOnlyList<RecognizedFace> faces)
    {
        var scale = Math.Clamp(frame.Height / 720.0, 0.35, 1.5);
        var thickness = Math.Max(1, (int)Math.Round(2 * scale));
        foreach (var face in faces)
        {
            var colour = face.IsKnown ? Known : Unknown;
            var box = face.Box.ClipTo(frame.Width, frame.Height);
            var rect = new Rect((int)box.X, (int)box.Y, (int)box.Width, (int)box.Height);
            Cv2.Rectangle(frame, rect, colour, thickness);

            var label = face.IsKnown ? $"{face.Identity} {face.Distance:0.00}" : "unknown";
            var size = Cv2.GetTextSize(label, HersheyFonts.HersheySimplex, scale, thickness, out var baseline);
            var top = rect.Y - size.Height - baseline - 4 >= 0 ? rect.Y - size.Height - baseline - 4 : rect.Bottom;
            Cv2.Rectangle(frame, new Rect(rect.X, top, size.Width + 6, size.Height + baseline + 4), colour, -1);
            Cv2.PutText(frame, label, new Point(rect.X + 3, top + size.Height + 2), HersheyFonts.HersheySimplex, scale,
                Ink, thickness, LineTypes.AntiAlias);
        }
    }
}
