using OpenCvSharp;

namespace Visage.Imaging;

/// <summary>
/// An image and its Gaussian halvings (OpenCV's pyrDown), each made once on first use: all faces of a photo
/// cut from the same halved image instead of halving the whole photo once per face.
/// </summary>
internal sealed class ImagePyramid(Mat image) : IDisposable
{
    private readonly List<Mat> _halvings = [];

    /// <summary>Level 0 is the image itself; level k is it halved k times.</summary>
    public Mat Level(int level)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(level);
        while (_halvings.Count < level)
        {
            var half = new Mat();
            Cv2.PyrDown(_halvings.Count == 0 ? image : _halvings[^1], half);
            _halvings.Add(half);
        }
        return level == 0 ? image : _halvings[level - 1];
    }

    public void Dispose()
    {
        foreach (var half in _halvings) half.Dispose();
        _halvings.Clear();
    }
}
