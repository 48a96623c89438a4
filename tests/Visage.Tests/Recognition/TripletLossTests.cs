using Visage.Recognition;

namespace Visage.Tests.Recognition;

public sealed class TripletLossTests
{
    [Fact]
    public void One_triplet_by_hand()
    {
        // |a-p|^2 = 1^2 + 0^2 = 1, |a-n|^2 = 2^2 + 2^2 = 8: max(1 - 8 + 0.3, 0) = 0 (clipped).
        // Swap roles: |a-p|^2 = 8, |a-n|^2 = 1: max(8 - 1 + 0.3, 0) = 7.3.
        float[] a = [0, 0], p = [1, 0], n = [2, 2];
        Assert.Equal(0f, TripletLoss.Compute(a, p, n, 2));
        Assert.Equal(7.3f, TripletLoss.Compute(a, n, p, 2), 5);
    }

    [Fact]
    public void Batch_sums_terms_and_clips_each_at_zero()
    {
        // Triplet 1: pos 0.25, neg 1.0 -> 0.25 - 1 + 0.3 = -0.45 -> 0.
        // Triplet 2: pos 0.5,  neg 0.5 -> 0.3.
        // Triplet 3: pos 2.0,  neg 0.0 -> 2.3.
        float[] anchors = [0, 0, 1, 1, 3, 0];
        float[] positives = [0.5f, 0, 1.5f, 1.5f, 3, 1.4142135f];
        float[] negatives = [1, 0, 0.5f, 0.5f, 3, 0];
        var pos3 = 1.4142135f * 1.4142135f;

        var loss = TripletLoss.Compute(anchors, positives, negatives, 2);

        Assert.Equal(0f + 0.3f + (pos3 - 0 + 0.3f), loss, 5);
    }

    [Fact]
    public void Alpha_is_configurable()
    {
        float[] a = [0], p = [1], n = [1];
        Assert.Equal(0.3f, TripletLoss.Compute(a, p, n, 1), 6);
        Assert.Equal(0.7f, TripletLoss.Compute(a, p, n, 1, alpha: 0.7f), 6);
    }

    [Fact]
    public void The_articles_snippet_is_constant_because_anchor_positive_and_negative_are_one_tensor()
    {
        // The article takes y_pred for all three: both distances vanish and each term is alpha,
        // so the loss is alpha * batch whatever the encodings are.
        var random = new Random(7);
        for (var trial = 0; trial < 5; trial++)
        {
            var batch = random.Next(1, 10);
            var encodings = Enumerable.Range(0, batch * 8).Select(_ => (float)random.NextDouble()).ToArray();
            Assert.Equal(TripletLoss.DefaultAlpha * batch, TripletLoss.Compute(encodings, encodings, encodings, 8), 5);
        }
    }

    [Fact]
    public void Triplet_list_form_agrees_with_flat_form()
    {
        var triplets = new List<(float[], float[], float[])>
        {
            ([0, 0], [1, 0], [0, 0.5f]),
            ([1, 1], [1, 1], [3, 1]),
        };
        // Term 1: 1 - 0.25 + 0.3 = 1.05; term 2: 0 - 4 + 0.3 -> 0.
        Assert.Equal(1.05f, TripletLoss.Compute(triplets), 5);
    }

    [Fact]
    public void Mismatched_sizes_are_refused()
    {
        Assert.Throws<ArgumentException>(() => TripletLoss.Compute([0f, 0f], [0f], [0f, 0f], 2));
        Assert.Throws<ArgumentException>(() => TripletLoss.Compute([0f, 0f, 0f], [0f, 0f, 0f], [0f, 0f, 0f], 2));
    }
}
