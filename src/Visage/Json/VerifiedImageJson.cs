using Visage.Recognition;

namespace Visage.Json;

/// <summary>One image of a verification: <c>{"image","facesFound","face"}</c>.</summary>
public sealed record VerifiedImageJson(string Image, int FacesFound, FaceJson Face)
{
    public static VerifiedImageJson From(VerifiedFace f) => new(f.Image, f.FacesFound, FaceJson.From(f.Face));
}
