using System.Numerics.Tensors;
using Visage.Alignment;
using Visage.Detection;
using Visage.Embedding;
using Visage.Imaging;
using Visage.Models;
using Visage.Recognition;

namespace Visage.Tests.FaceApi;

[Collection(FaceApiModelCollection.Name)]
public sealed class DlibChipEmbedderTests(FaceApiModel model)
{
    /// <summary>The most central face of each photo, located with the default pack's detector and landmarks.</summary>
    private static async Task<List<(FaceImage Photo, LocatedFace Face)>> LocateAsync(params string[] paths)
    {
        using var pipeline = await FacePipeline.LoadAsync(ModelCatalog.Default, new ModelStore(VisageHome.FromEnvironment()));
        var located = new List<(FaceImage, LocatedFace)>();
        foreach (var path in paths)
        {
            var photo = await ImageReader.ReadAsync(path);
            var central = pipeline.Detect(photo.Pixels).MinBy(f =>
                Math.Pow(f.Box.Center.X - photo.Width / 2.0, 2) + Math.Pow(f.Box.Center.Y - photo.Height / 2.0, 2))!;
            var landmarks = pipeline.Landmarker!.Locate(photo.Pixels, [central.Box])[0];
            located.Add((photo, new LocatedFace(central.Box, central.Score, landmarks)));
        }
        return located;
    }

    [Fact]
    public async Task Encodings_are_unit_length_and_nearer_for_the_same_person_with_and_without_flipping()
    {
        var faces = await LocateAsync(LfwPhotos.Photo("Aaron_Peirsol", 1), LfwPhotos.Photo("Aaron_Peirsol", 2),
            LfwPhotos.Photo("Abel_Pacheco", 1));
        try
        {
            using var plain = new DlibChipEmbedder(model.Folder);
            using var flipped = new DlibChipEmbedder(model.Folder, flipAverage: true);
            Assert.Equal(("face-api-resnet34", "face-api-resnet34-flip"), (plain.ModelId, flipped.ModelId));
            Assert.Equal((128, true), (plain.Dimensions, plain.UsesLandmarks));

            foreach (var embedder in new[] { plain, flipped })
            {
                var e = faces.Select(f => embedder.Embed(f.Photo.Pixels, [f.Face]).Single()).ToList();
                foreach (var encoding in e)
                {
                    Assert.Equal(128, encoding.Length);
                    Assert.Equal(1f, TensorPrimitives.Norm(encoding), 5);
                }
                var same = TensorPrimitives.Distance(e[0], e[1]);
                Assert.True(same < TensorPrimitives.Distance(e[0], e[2]) && same < TensorPrimitives.Distance(e[1], e[2]),
                    $"{embedder.ModelId}: same person at {same}, further than a different person");
            }

            // Flipping moves an encoding only a little: the mirrored face is nearly the same face.
            var a = plain.Embed(faces[0].Photo.Pixels, [faces[0].Face]).Single();
            var b = flipped.Embed(faces[0].Photo.Pixels, [faces[0].Face]).Single();
            Assert.InRange(TensorPrimitives.Distance(a, b), 0.001f, 0.3f);
        }
        finally
        {
            foreach (var (photo, _) in faces) photo.Dispose();
        }
    }

    [Fact]
    public async Task All_faces_of_an_image_in_one_run_match_each_face_alone()
    {
        var faces = await LocateAsync(LfwPhotos.Photo("Aaron_Peirsol", 3));
        var (photo, face) = faces[0];
        using var _ = photo;
        using var embedder = new DlibChipEmbedder(model.Folder, flipAverage: true);
        var shifted = face with { Box = face.Box with { X = face.Box.X + 1 } };

        var together = embedder.Embed(photo.Pixels, [face, shifted]);
        var alone = embedder.Embed(photo.Pixels, [face]).Single();

        Assert.Equal(2, together.Count);
        Assert.True(TensorPrimitives.Distance(together[0], alone) < 1e-5f);
        Assert.True(TensorPrimitives.Distance(together[1], alone) < 1e-5f, "the box plays no part: the chip comes from the landmarks");
    }

    [Fact]
    public void A_face_without_landmarks_or_a_chip_of_another_size_is_refused()
    {
        using var embedder = new DlibChipEmbedder(model.Folder);
        using var image = new OpenCvSharp.Mat(200, 200, OpenCvSharp.MatType.CV_8UC3);

        Assert.Throws<ArgumentException>(() => embedder.Embed(image, [new LocatedFace(new FaceBox(0, 0, 100, 100), 1, null)]));
        Assert.Throws<ArgumentException>(() =>
            new DlibChipEmbedder(model.Folder, template: DlibChipTemplate.FaceRecognition with { Size = 112 }));
    }
}
