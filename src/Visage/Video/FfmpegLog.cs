using System.Globalization;
using System.Text.RegularExpressions;
using OpenCvSharp;

namespace Visage.Video;

/// <summary>
/// What ffmpeg says on standard error while it reads a stream (run with <c>-loglevel level+info</c>, so every line
/// carries its level): the input it opened, the size of the raw frames it writes, and its errors, turned into a
/// one-line explanation. Every line is masked before it is kept, so no password survives here.
/// </summary>
internal sealed partial class FfmpegLog(string address)
{
    private const int Remembered = 20;

    private readonly object _gate = new();
    private readonly Queue<string> _problems = new();
    private readonly TaskCompletionSource<Size?> _outputSize = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private bool _inOutput;
    private volatile bool _inputOpened;
    private double _inputFps = double.NaN;

    /// <summary>Whether ffmpeg got as far as describing the input (it connected and found streams).</summary>
    public bool InputOpened => _inputOpened;

    /// <summary>The frame rate the input's video stream states, when it states one.</summary>
    public double? InputFps
    {
        get { lock (_gate) return double.IsNaN(_inputFps) ? null : _inputFps; }
    }

    /// <summary>
    /// The size of the BGR frames on standard output, once ffmpeg has described its output; null when it ended first.
    /// </summary>
    public Task<Size?> OutputSize => _outputSize.Task;

    /// <summary>The warnings and errors of the run so far (the last few), masked, without ffmpeg's prefixes.</summary>
    public IReadOnlyList<string> Problems
    {
        get { lock (_gate) return _problems.ToList(); }
    }

    public void Add(string line)
    {
        var parsed = Line().Match(line);
        var level = parsed.Success ? parsed.Groups["level"].Value : "info";
        var text = StreamAddress.Masked(parsed.Success ? parsed.Groups["text"].Value : line, address);
        if (level is "error" or "fatal" or "panic")
        {
            lock (_gate)
            {
                _problems.Enqueue(text.Trim());
                if (_problems.Count > Remembered) _problems.Dequeue();
            }
            return;
        }
        if (level != "info") return;

        if (text.StartsWith("Input #", StringComparison.Ordinal))
        {
            _inputOpened = true;
            _inOutput = false;
        }
        else if (text.StartsWith("Output #", StringComparison.Ordinal))
        {
            _inOutput = true;
        }
        else if (VideoStream().IsMatch(text))
        {
            if (!_inOutput)
            {
                lock (_gate)
                    if (double.IsNaN(_inputFps)) _inputFps = Rate(text) ?? double.NaN;
            }
            else if (Size().Match(text) is { Success: true } size)
                _outputSize.TrySetResult(new Size(int.Parse(size.Groups[1].Value, CultureInfo.InvariantCulture),
                    int.Parse(size.Groups[2].Value, CultureInfo.InvariantCulture)));
        }
    }

    /// <summary>ffmpeg's standard error ended: if it never described its output, it never will.</summary>
    public void Completed() => _outputSize.TrySetResult(null);

    /// <summary>
    /// Why the run failed, in one line for a person: the likely cause in plain words, with ffmpeg's own words for
    /// the last error beside it.
    /// </summary>
    public string Explain(int? exitCode, RtspTransport transport)
    {
        var problems = Problems;
        var all = string.Join('\n', problems);
        var last = problems.LastOrDefault(p => !p.StartsWith("Error ", StringComparison.Ordinal)) ?? problems.LastOrDefault();
        var host = Host();
        string? cause =
            Has(all, "401 Unauthorized", "HTTP error 401") ? HasCredentials()
                ? "the user name or password was refused"
                : "the server asks for a user name and password (give them in the URL: scheme://USER:PASSWORD@host/...)"
            : Has(all, "403 Forbidden", "HTTP error 403") ? "access refused by the server"
            : Has(all, "404 Not Found", "HTTP error 404") ? "no such stream on the server (check the path)"
            : Has(all, "461 Unsupported transport")
              || (transport == RtspTransport.Tcp && StreamAddress.IsRtsp(address) && Has(all, "400 Bad Request"))
                ? $"the server refused RTSP over {transport.ToString().ToUpperInvariant()} (try the other transport)"
            : Has(all, "Connection refused") ? $"connection refused: nothing is listening at {host}"
            : Has(all, "Name or service not known", "Failed to resolve hostname", "Temporary failure in name resolution",
                "No address associated with hostname") ? $"unknown host {host}"
            : Has(all, "No route to host", "Network is unreachable", "Host is unreachable") ? $"{host} cannot be reached"
            : Has(all, "timed out") ? $"no answer from {host} in time"
            : Has(all, "Connection reset by peer", "Broken pipe") ? "the server dropped the connection"
            : Has(all, "Invalid data found when processing input", "does not contain any stream", "Could not find codec parameters")
                ? "not a video stream (ffmpeg found no video in what the server sent)"
            : null;
        if (cause is null)
            return last ?? (exitCode is { } code ? $"ffmpeg exited with status {code}" : "ffmpeg stopped");
        if (last is null) return cause;
        var detail = Shorten(last);
        return cause.Contains(detail, StringComparison.OrdinalIgnoreCase) ? cause : $"{cause} ({detail})";
    }

    private bool HasCredentials() => UserInfo().IsMatch(address);

    private string Host() =>
        Uri.TryCreate(address, UriKind.Absolute, out var uri) ? uri.IsDefaultPort ? uri.Host : $"{uri.Host}:{uri.Port}" : "the host";

    private static bool Has(string text, params string[] needles) =>
        needles.Any(n => text.Contains(n, StringComparison.OrdinalIgnoreCase));

    // ffmpeg repeats the address before its message ("rtsp://host/x: Connection refused"); the caller names it already.
    private string Shorten(string problem)
    {
        var masked = StreamAddress.Masked(address);
        return problem.StartsWith(masked + ": ", StringComparison.Ordinal) ? problem[(masked.Length + 2)..] : problem;
    }

    private static double? Rate(string streamLine)
    {
        var match = Fps().Match(streamLine);
        if (!match.Success) return null;
        var value = double.Parse(match.Groups["value"].Value, CultureInfo.InvariantCulture);
        if (match.Groups["k"].Success) value *= 1000;
        return value is > 0 and < 1000 ? value : null;
    }

    // "[rtsp @ 0x55d0] [error] text" or "[info] text".
    [GeneratedRegex(@"^(?:\[[^\]]* @ 0x[0-9a-fA-F]+\] )?\[(?<level>[a-z]+)\] (?<text>.*)$")]
    private static partial Regex Line();

    [GeneratedRegex(@"^\s+Stream #\d+:\d+.*: Video: ")]
    private static partial Regex VideoStream();

    // ", 256x256" -- not the "0x18524742" of a codec tag.
    [GeneratedRegex(@", (\d{1,5})x(\d{1,5})\b")]
    private static partial Regex Size();

    [GeneratedRegex(@"(?<value>\d+(?:\.\d+)?)(?<k>k)? (?:fps|tbr)\b")]
    private static partial Regex Fps();

    [GeneratedRegex(@"^[a-zA-Z][a-zA-Z0-9+.-]*://[^/@\s]*@")]
    private static partial Regex UserInfo();
}
