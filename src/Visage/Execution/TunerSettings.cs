namespace Visage.Execution;

/// <summary>
/// How hard the tuner looks. Candidates are timed in interleaved rounds (each round visits every candidate
/// once, in a rotated order), so a burst of load from another process hits all of them alike, and each is
/// judged by its median. After <see cref="PruneAfterRounds"/> rounds a candidate slower than
/// <see cref="PruneFactor"/> times the best median is dropped; once <see cref="TimeBudgetMs"/> of timed work is
/// spent, the rounds stop early, but never before <see cref="MinRounds"/>. A plan that costs more threads or a batch must win by a margin to be chosen,
/// so that noise does not decide for it.
/// </summary>
internal sealed record TunerSettings(
    int Rounds = 9,
    int PruneAfterRounds = 3,
    int MinRounds = 5,
    double PruneFactor = 2.0,
    double TimeBudgetMs = 3000,
    double MultiThreadMargin = 0.85,
    double BatchMargin = 0.95,
    double Tolerance = 1e-4,
    int SampleItems = 4,
    int Seed = 20261128)
{
    public static TunerSettings Default { get; } = new();
}
