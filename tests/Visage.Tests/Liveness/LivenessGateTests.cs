using System.Text.Json;
using Visage.Detection;
using Visage.Json;
using Visage.Liveness;
using Visage.Recognition;
using Visage.Storage;
using Visage.Tests.TestData;
using Visage.Video;

namespace Visage.Tests.Liveness;

/// <summary>
/// The liveness gate: a face that fails its check is nobody, whoever it looks like; the check's score travels
/// in the JSON under one name ("liveness") and only when a check was asked for; the facade's settings refuse
/// what cannot work.
/// </summary>
public sealed class LivenessGateTests
{
    private static readonly float[] Ada = [1f, 0f, 0f];

    private static FaceMatcher Gallery() =>
        new([new GalleryFace(1, "Ada", Ada, "ada.jpg", "00", DateTimeOffset.UnixEpoch)]);

    private static Face FaceOf(float[] embedding, LivenessCheck? liveness) =>
        new(new FaceBox(10, 20, 30, 40), 0.99f, null, embedding, liveness);

    [Fact]
    public void A_face_that_fails_its_liveness_check_is_nobody_though_its_nearest_person_is_told()
    {
        var spoof = Gallery().Identify(FaceOf(Ada, new LivenessCheck(0.2f, 0.5f)), threshold: 0.6f);
        var live = Gallery().Identify(FaceOf(Ada, new LivenessCheck(0.8f, 0.5f)), threshold: 0.6f);
        var unchecked_ = Gallery().Identify(FaceOf(Ada, null), threshold: 0.6f);

        Assert.Null(spoof.Identity);
        Assert.False(spoof.IsKnown);
        Assert.Equal("Ada", spoof.Nearest);
        Assert.Equal(0f, spoof.Distance);
        Assert.Equal("Ada", live.Identity);
        Assert.Equal("Ada", unchecked_.Identity);
    }

    [Fact]
    public void A_score_equal_to_the_threshold_passes()
    {
        Assert.True(new LivenessCheck(0.5f, 0.5f).IsLive);
        Assert.False(new LivenessCheck(0.4999f, 0.5f).IsLive);
    }

    [Fact]
    public void Json_faces_carry_liveness_only_when_checked_under_one_name_everywhere()
    {
        var checkedFace = FaceOf(Ada, new LivenessCheck(0.123456f, 0.5f));
        var id = Gallery().Identify(checkedFace, 0.6f);

        var face = JsonDocument.Parse(VisageJson.Serialize(FaceJson.From(checkedFace))).RootElement;
        var identified = JsonDocument.Parse(VisageJson.Serialize(IdentifiedFaceJson.From(id))).RootElement;
        var watched = JsonDocument.Parse(WatchEventJson.Serialize(new WatchEvent(WatchEventKind.Recognition,
            DateTimeOffset.UnixEpoch, 3, TimeSpan.FromSeconds(0.3), [], [RecognizedFace.From(id)]))).RootElement;

        foreach (var json in new[] { face.GetProperty("liveness"), identified.GetProperty("liveness"),
                     watched.GetProperty("faces")[0].GetProperty("liveness") })
        {
            Assert.Equal(0.1235, json.GetProperty("score").GetDouble(), 4);
            Assert.Equal(0.5, json.GetProperty("threshold").GetDouble(), 4);
            Assert.False(json.GetProperty("live").GetBoolean());
        }
        Assert.Equal(JsonValueKind.Null, identified.GetProperty("person").ValueKind);

        var plain = JsonDocument.Parse(VisageJson.Serialize(FaceJson.From(FaceOf(Ada, null)))).RootElement;
        Assert.False(plain.TryGetProperty("liveness", out _));
    }

    [Theory]
    [InlineData(0f)]
    [InlineData(1f)]
    [InlineData(float.NaN)]
    public async Task A_liveness_threshold_outside_zero_to_one_is_refused_before_loading(float threshold)
    {
        var e = await Assert.ThrowsAsync<InvalidSettingException>(() => FaceRecognizer.LoadAsync(new RecognizerOptions
        {
            Liveness = RecognizerOptions.DefaultLivenessModel,
            LivenessThreshold = threshold,
        }));

        Assert.Equal(VisageSetting.LivenessThreshold, e.Setting);
    }

    [Theory]
    [InlineData(0f)]
    [InlineData(1.5f)]
    public async Task A_liveness_threshold_for_a_network_loaded_later_is_refused_outside_zero_to_one_too(float threshold)
    {
        // Without RecognizerOptions.Liveness the threshold is for the network LoadLivenessAsync loads (a service's).
        var e = await Assert.ThrowsAsync<InvalidSettingException>(() =>
            FaceRecognizer.LoadAsync(new RecognizerOptions { LivenessThreshold = threshold }));

        Assert.Equal(VisageSetting.LivenessThreshold, e.Setting);
        Assert.Equal($"a liveness threshold between 0 and 1 is needed, not {threshold}", e.Message);
    }

    [Fact]
    public async Task An_unknown_liveness_model_is_refused()
    {
        var unknown = await Assert.ThrowsAsync<InvalidSettingException>(() =>
            FaceRecognizer.LoadAsync(new RecognizerOptions { Liveness = "nope" }));

        Assert.Contains("'nope'", unknown.Message);
        Assert.Contains(RecognizerOptions.DefaultLivenessModel, unknown.Message);
    }
}
