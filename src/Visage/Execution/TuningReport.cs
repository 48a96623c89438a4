namespace Visage.Execution;

/// <summary>
/// The outcome of tuning one network on one machine: every candidate's measurements and the two plans
/// chosen, <see cref="OneThread"/> for work spread over all cores one item per core (bulk enrolment,
/// evaluation) and <see cref="AllCores"/> for a single pipeline that may use every core for one photo.
/// <see cref="LoadBefore"/> and <see cref="LoadAfter"/> are the machine's one-minute load average around the
/// tuning: far above <see cref="Cores"/>, the many-thread timings were taken on a busy machine.
/// </summary>
internal sealed record TuningReport(
    string Network,
    string ModelSha256,
    int Cores,
    ExecutionPlan OneThread,
    ExecutionPlan AllCores,
    IReadOnlyList<CandidateMeasurement> Candidates,
    double? LoadBefore = null,
    double? LoadAfter = null)
{
    public ExecutionPlan For(int threadBudget) => threadBudget == 1 ? OneThread : AllCores;

    public CandidateMeasurement? MeasurementOf(ExecutionPlan plan) =>
        Candidates.LastOrDefault(c => c.Plan == plan && c.Status == CandidateStatus.Measured);
}
