using System.Text.RegularExpressions;

namespace Visage.Video;

/// <summary>
/// A network stream's address: which kinds are read (through ffmpeg), and the same address with its secrets
/// masked, which is the only form that may appear in a message, a log line or an event.
/// </summary>
internal static partial class StreamAddress
{
    public const string Mask = "***";

    /// <summary>The schemes read as network streams: RTSP (plain or TLS), and HTTP(S) for MJPEG and HLS.</summary>
    public static readonly IReadOnlyList<string> Schemes = ["rtsp", "rtsps", "http", "https"];

    /// <summary>Whether the address is an absolute URL of a scheme Visage reads.</summary>
    public static bool IsSupported(string address) =>
        Uri.TryCreate(address, UriKind.Absolute, out var uri) && Schemes.Contains(uri.Scheme);

    public static bool IsRtsp(string address) =>
        address.StartsWith("rtsp://", StringComparison.OrdinalIgnoreCase)
        || address.StartsWith("rtsps://", StringComparison.OrdinalIgnoreCase);

    /// <summary>
    /// Hides the password of <c>scheme://user:password@host</c> (the user name stays: it tells which account
    /// was refused) and the values of query parameters that carry secrets (<c>?password=</c>, <c>&amp;token=</c>, ...).
    /// Works on any text, so a program's output that quotes the address can be masked as well.
    /// </summary>
    public static string Masked(string text)
    {
        var masked = UserInfo().Replace(text, m => $"{m.Groups["head"].Value}{m.Groups["user"].Value}:{Mask}@");
        return SecretParameter().Replace(masked, m => $"{m.Groups["name"].Value}={Mask}");
    }

    /// <summary>
    /// Masks a line another program wrote about <paramref name="address"/>: the address as given, in case the
    /// program reformatted it, then every URL's secrets, then the password itself wherever else it appears.
    /// </summary>
    public static string Masked(string line, string address)
    {
        var masked = Masked(line.Replace(address, Masked(address), StringComparison.Ordinal));
        foreach (var secret in Secrets(address))
            masked = masked.Replace(secret, Mask, StringComparison.Ordinal);
        return masked;
    }

    /// <summary>The password of the address, raw and percent-decoded, when long enough to be replaced safely.</summary>
    private static IEnumerable<string> Secrets(string address)
    {
        var match = UserInfo().Match(address);
        if (!match.Success || match.Groups["password"].Value is not { Length: >= 3 } password) yield break;
        yield return password;
        var decoded = Uri.UnescapeDataString(password);
        if (decoded != password) yield return decoded;
    }

    // scheme://user:password@ -- up to the last '@' before the path, since cameras' passwords hold '@' unescaped.
    [GeneratedRegex(@"(?<head>\b[a-zA-Z][a-zA-Z0-9+.-]*://)(?<user>[^:@/\s]*):(?<password>[^/\s]*)@")]
    private static partial Regex UserInfo();

    [GeneratedRegex(@"(?<name>\b(?:pass|password|passwd|pwd|token|access_token|auth|key|apikey|api_key|secret|signature|sig))=[^&\s'""]*",
        RegexOptions.IgnoreCase)]
    private static partial Regex SecretParameter();
}
