using Visage.Detection;

namespace Visage;

/// <summary>
/// A photo that had to show one face and showed none, or several (<see cref="Boxes"/> says where they are,
/// so a front end can show them or offer to take the largest).
/// </summary>
public sealed class FaceCountException(string input, IReadOnlyList<FaceBox> boxes, string message)
    : VisageException(message)
{
    public string Input { get; } = input;
    public IReadOnlyList<FaceBox> Boxes { get; } = boxes;
    public bool NoFace => Boxes.Count == 0;
}
