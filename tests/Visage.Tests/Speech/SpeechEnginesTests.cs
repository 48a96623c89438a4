using Visage.Speech;

namespace Visage.Tests.Speech;

public sealed class SpeechEnginesTests
{
    [Fact]
    public void None_is_silence_and_auto_is_the_platforms_voice()
    {
        Assert.Null(SpeechEngines.Named("none"));
        Assert.Same(SpeechEngines.ForPlatform(), SpeechEngines.Named("auto"));
        if (OperatingSystem.IsLinux()) Assert.IsType<EspeakNgEngine>(SpeechEngines.ForPlatform());
    }

    [Fact]
    public void An_unknown_voice_is_refused_with_the_choices()
    {
        var error = Assert.Throws<InvalidSettingException>(() => SpeechEngines.Named("hal9000"));
        Assert.Equal(VisageSetting.Voice, error.Setting);
        Assert.Contains("hal9000", error.Message);
        Assert.Contains("espeak-ng", error.Message);
    }

    [Fact]
    public void Espeak_gets_the_text_as_one_argument_after_the_end_of_options()
    {
        var command = new EspeakNgEngine().ToWave("-Welcome; rm -rf /", "/tmp/x.wav");

        Assert.Equal(["-w", "/tmp/x.wav", "--", "-Welcome; rm -rf /"], command.Arguments);
        Assert.Null(command.Input);
    }

    [Fact]
    public void Say_and_windows_read_the_text_from_standard_input()
    {
        Assert.Equal("Hi", new MacSayEngine().Aloud("Hi").Input);
        var windows = new WindowsSpeechEngine().ToWave("Hi", @"C:\out.wav");
        Assert.Equal("Hi", windows.Input);
        Assert.Equal(@"C:\out.wav", windows.Environment!["VISAGE_WAVE"]);
        Assert.DoesNotContain(windows.Arguments, a => a.Contains("Hi"));
    }

    [Fact]
    public void Espeak_ng_is_installed_here() =>
        Assert.True(SpeechEngines.IsInstalled(new EspeakNgEngine()),
            "espeak-ng is not on the PATH: install it with 'apt-get install espeak-ng' (./test does)");
}
