using OpenCvSharp;

namespace Visage.Video;

/// <summary>
/// Writes frames to a video file: MPEG-4 Part 2 in .mp4, .m4v and .mov, Motion JPEG in .avi
/// and .mkv, codecs the bundled OpenCV can both write and read. Dispose finalises the file.
/// </summary>
internal sealed class AnnotatedVideoWriter : IDisposable
{
    private readonly VideoWriter _writer;
    private readonly Size _size;

    public AnnotatedVideoWriter(string path, double fps, Size frameSize)
    {
        var fourCc = CheckPath(path);
        _writer = new VideoWriter(path, VideoCaptureAPIs.FFMPEG, fourCc, fps, frameSize, isColor: true);
        if (!_writer.IsOpened())
        {
            _writer.Dispose();
            throw new InvalidSettingException(VisageSetting.OutputVideo, $"{path}: cannot write a video there");
        }
        _size = frameSize;
        Path = path;
    }

    public string Path { get; }

    /// <summary>The codec for the file's extension; throws when the extension or the folder will not do.</summary>
    public static FourCC CheckPath(string path)
    {
        var fourCc = System.IO.Path.GetExtension(path).ToLowerInvariant() switch
        {
            ".mp4" or ".m4v" or ".mov" => FourCC.FromString("mp4v"),
            ".avi" or ".mkv" => FourCC.FromString("MJPG"),
            _ => throw new InvalidSettingException(VisageSetting.OutputVideo, $"{path}: name the video .mp4, .m4v, .mov, .avi or .mkv"),
        };
        var folder = System.IO.Path.GetDirectoryName(System.IO.Path.GetFullPath(path))!;
        if (!Directory.Exists(folder))
            throw new InvalidSettingException(VisageSetting.OutputVideo, $"{path}: folder {folder} does not exist");
        return fourCc;
    }

    /// <summary>Appends a frame, resized to the video's size if the source changed size midway.</summary>
    public void Write(Mat frame)
    {
        if (frame.Size() == _size)
        {
            _writer.Write(frame);
            return;
        }
        using var resized = new Mat();
        Cv2.Resize(frame, resized, _size);
        _writer.Write(resized);
    }

    public void Dispose() => _writer.Dispose();
}
