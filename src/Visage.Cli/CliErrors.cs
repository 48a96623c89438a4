using Visage.Recognition;

namespace Visage.Cli;

/// <summary>
/// Turns the library's typed errors into the command line's words: the flag that set a refused value, the
/// command that mends a missing gallery or model. The library's messages name the input; these add the how.
/// </summary>
internal static class CliErrors
{
    public static (string Message, int ExitCode) Describe(Exception e) => e switch
    {
        UsageException usage => (usage.Message, ExitCodes.Usage),
        InvalidSettingException setting => (WithFlag(Flag(setting.Setting), setting.Message), ExitCodes.Usage),
        GalleryException { Problem: GalleryProblem.NotFound } gallery =>
            ($"{gallery.Message} (enroll faces into it first with 'visage enroll --db {gallery.Location}')", ExitCodes.Failure),
        GalleryException { Problem: GalleryProblem.WrongPipeline } gallery =>
            ($"{gallery.Message}; use the same --model, --detector and --detector-input it was built with, or another --db", ExitCodes.Failure),
        ModelException { Problem: ModelProblem.FetchFailed or ModelProblem.NotInstalled } model =>
            ($"{model.Message}; then run 'visage models fetch {model.Model}'", ExitCodes.Failure),
        ModelException { Problem: ModelProblem.Damaged } model =>
            ($"{model.Message}; delete that folder and run 'visage models fetch'", ExitCodes.Failure),
        ImageTooLargeException image => ($"{image.Message} (--max-megapixels raises it)", ExitCodes.Failure),
        FaceCountException { NoFace: false } faces => ($"{faces.Message} (--largest takes the biggest)", ExitCodes.Failure),
        CalibrationException calibration => ($"{calibration.Message} (--far)", ExitCodes.Failure),
        VisageException visage => (visage.Message, ExitCodes.Failure),
        _ => ($"unexpected failure: {e.GetType().Name}: {FirstLine(e.Message)}", ExitCodes.Failure),
    };

    /// <summary>The outcome message of a photo skipped at enrolment, with the flag that would take it.</summary>
    public static string Explain(EnrollmentOutcome outcome) => outcome.Status == EnrollmentStatus.SeveralFaces
        ? $"{outcome.Message} (use --largest to take the biggest)"
        : outcome.Message ?? outcome.Status.ToString();

    public static string Flag(VisageSetting setting) => setting switch
    {
        VisageSetting.Model => "--model",
        VisageSetting.Detector => "--detector",
        VisageSetting.DetectorInput => "--detector-input",
        VisageSetting.Threshold => "--threshold",
        VisageSetting.MaxMegapixels => "--max-megapixels",
        VisageSetting.FalseAcceptRate => "--far",
        VisageSetting.PersonName => "name",
        VisageSetting.BatchSize => "--batch-size",
        VisageSetting.MinClusterSize => "--min-size",
        VisageSetting.ClusterDistance => "--distance",
        VisageSetting.Camera => "--camera",
        VisageSetting.StreamUrl => "--url",
        VisageSetting.VideoFile => "--video",
        VisageSetting.OutputVideo => "--output",
        VisageSetting.SnapshotFolder => "--snapshot",
        VisageSetting.EventLog => "--events",
        VisageSetting.GreetCommand => "--on-greet",
        VisageSetting.Voice => "--voice",
        VisageSetting.SpeechFile => "--speak-to",
        VisageSetting.ConfirmFrames => "--confirm-frames",
        VisageSetting.WindowFrames => "--window-frames",
        VisageSetting.Cooldown => "--cooldown",
        VisageSetting.OpenTimeout => "--open-timeout",
        VisageSetting.Pacing => "--every-frame",
        VisageSetting.StallTimeout => "--stall-timeout",
        VisageSetting.Liveness => "--liveness",
        VisageSetting.LivenessThreshold => "--liveness-threshold",
        _ => setting.ToString(),
    };

    /// <summary>"--output out.gif: ..." when the message starts with the refused value, else "--far: ...".</summary>
    private static string WithFlag(string flag, string message)
    {
        var firstWord = message.Split(' ', 2)[0];
        return firstWord.EndsWith(':') ? $"{flag} {message}" : $"{flag}: {message}";
    }

    private static string FirstLine(string message) => message.Split('\n')[0].Trim();
}
