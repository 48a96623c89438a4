using System.Text;
using OpenCvSharp;

namespace Visage.Tests.Server;

/// <summary>
/// Writes a YUV4MPEG2 clip (the raw format Chromium's fake camera plays): each photo letterboxed on black to
/// the clip's size and held for some seconds, frames in I420 as OpenCV converts them.
/// </summary>
internal static class Y4mClip
{
    public static void Write(string path, IEnumerable<(string Photo, double Seconds)> scenes, int width = 320, int height = 240,
        int framesPerSecond = 5)
    {
        using var file = File.Create(path);
        file.Write(Encoding.ASCII.GetBytes($"YUV4MPEG2 W{width} H{height} F{framesPerSecond}:1 Ip A1:1 C420jpeg\n"));
        var frameHeader = Encoding.ASCII.GetBytes("FRAME\n");
        foreach (var (photo, seconds) in scenes)
        {
            using var frame = Letterbox(photo, width, height);
            using var i420 = new Mat();
            Cv2.CvtColor(frame, i420, ColorConversionCodes.BGR2YUV_I420);
            var bytes = new byte[width * height * 3 / 2];
            System.Runtime.InteropServices.Marshal.Copy(i420.Data, bytes, 0, bytes.Length);
            for (var i = 0; i < Math.Max(1, (int)Math.Round(seconds * framesPerSecond)); i++)
            {
                file.Write(frameHeader);
                file.Write(bytes);
            }
        }
    }

    private static Mat Letterbox(string photo, int width, int height)
    {
        using var image = Cv2.ImRead(photo, ImreadModes.Color);
        if (image.Empty()) throw new InvalidOperationException($"cannot read {photo}");
        var scale = Math.Min((double)width / image.Width, (double)height / image.Height);
        using var resized = image.Resize(new Size((int)(image.Width * scale), (int)(image.Height * scale)));
        var frame = new Mat(height, width, MatType.CV_8UC3, Scalar.All(0));
        var x = (width - resized.Width) / 2;
        var y = (height - resized.Height) / 2;
        resized.CopyTo(frame[new Rect(x, y, resized.Width, resized.Height)]);
        return frame;
    }
}
