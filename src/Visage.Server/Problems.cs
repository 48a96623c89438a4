using System.Text.RegularExpressions;
using Microsoft.AspNetCore.Diagnostics;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.WebUtilities;
using Microsoft.Extensions.DependencyInjection;
using Visage.Json;
using Visage.Recognition;

namespace Visage.Server;

/// <summary>
/// Every error of the service as <c>application/problem+json</c>: a status, a title, and a one-line
/// <c>detail</c> that names the input at fault (the form field and file, the person, the key, the setting),
/// with the library's typed errors mapped to statuses and their facts (boxes found, setting) as extensions.
/// </summary>
internal static class Problems
{
    public static Task WriteAsync(HttpContext context, int status, string detail,
        IReadOnlyDictionary<string, object?>? extensions = null)
    {
        context.Response.StatusCode = status;
        var problem = new ProblemDetails
        {
            Status = status,
            Title = ReasonPhrases.GetReasonPhrase(status),
            Detail = OneLine(detail),
        };
        if (extensions is not null)
            foreach (var (name, value) in extensions) problem.Extensions[name] = value;
        return context.RequestServices.GetRequiredService<IProblemDetailsService>()
            .WriteAsync(new ProblemDetailsContext { HttpContext = context, ProblemDetails = problem }).AsTask();
    }

    /// <summary>A result for endpoints that refuse before calling the library (a missing field, a bad query).</summary>
    public static IResult Result(int status, string detail, IReadOnlyDictionary<string, object?>? extensions = null) =>
        TypedResults.Problem(OneLine(detail), statusCode: status, extensions: extensions?.ToDictionary());

    public static (int Status, string Detail, Dictionary<string, object?> Extensions) Describe(Exception e, long maxRequestBytes)
    {
        var none = new Dictionary<string, object?>();
        return e switch
        {
            ImageTooLargeException big => (StatusCodes.Status413PayloadTooLarge, big.Message,
                new() { ["pixels"] = big.Pixels, ["limit"] = big.Limit }),
            FaceCountException faces => (StatusCodes.Status422UnprocessableEntity, faces.Message,
                new() { ["boxes"] = faces.Boxes.Select(BoxJson.From).ToList() }),
            ImageException image => (StatusCodes.Status422UnprocessableEntity, image.Message, none),
            PersonException { Exists: true } person => (StatusCodes.Status409Conflict, person.Message, new() { ["person"] = person.Name }),
            PersonException person => (StatusCodes.Status404NotFound, person.Message, new() { ["person"] = person.Name }),
            InvalidSettingException setting => (StatusCodes.Status400BadRequest, $"{Field(setting.Setting)}: {setting.Message}",
                new() { ["setting"] = Field(setting.Setting) }),
            CalibrationException calibration => (StatusCodes.Status422UnprocessableEntity, calibration.Message,
                new()
                {
                    ["samePairs"] = calibration.SamePairs, ["differentPairs"] = calibration.DifferentPairs,
                    ["neededSamePairs"] = calibration.NeededSamePairs, ["neededDifferentPairs"] = calibration.NeededDifferentPairs,
                }),
            GalleryException gallery => (StatusCodes.Status503ServiceUnavailable, gallery.Message,
                new() { ["problem"] = Snake(gallery.Problem.ToString()) }),
            ModelException model => (StatusCodes.Status503ServiceUnavailable, model.Message, new() { ["model"] = model.Model }),
            Strangers.StrangerException stranger => (stranger.Problem switch
                {
                    Strangers.StrangerProblem.NotFound => StatusCodes.Status404NotFound,
                    Strangers.StrangerProblem.Conflict => StatusCodes.Status409Conflict,
                    _ => StatusCodes.Status400BadRequest,
                }, stranger.Message, new() { ["field"] = stranger.Field }),
            VisageException visage => (StatusCodes.Status422UnprocessableEntity, visage.Message, none),
            BadHttpRequestException { StatusCode: StatusCodes.Status413PayloadTooLarge } =>
                (StatusCodes.Status413PayloadTooLarge, TooLarge(maxRequestBytes), none),
            InvalidDataException when e.Message.Contains("limit", StringComparison.OrdinalIgnoreCase) =>
                (StatusCodes.Status413PayloadTooLarge, TooLarge(maxRequestBytes), none),
            BadHttpRequestException bad when BadField(bad) is { } field =>
                (StatusCodes.Status400BadRequest, field.Detail, new() { ["field"] = field.Name }),
            BadHttpRequestException bad => (bad.StatusCode, $"request: {bad.Message}", none),
            System.Text.Json.JsonException json => (StatusCodes.Status400BadRequest, $"request body: not the JSON expected ({json.Message})", none),
            _ => (StatusCodes.Status500InternalServerError, $"unexpected failure: {e.GetType().Name}", none),
        };
    }

    /// <summary>
    /// The field a request could not be read for, and why in one line: a JSON body member of the wrong type (say
    /// <c>"liveness": "yes"</c>) or a query value that does not parse (<c>?liveness=maybe</c>); null for anything else.
    /// </summary>
    private static (string Name, string Detail)? BadField(BadHttpRequestException bad)
    {
        if (bad.InnerException is System.Text.Json.JsonException { Path: { Length: > 2 } path } json && path.StartsWith("$.", StringComparison.Ordinal))
        {
            var member = path[2..];
            // The reader's own error says what the value should have been ("... as a boolean"); the serializer's
            // names the type it was building (the whole request, for a record).
            var wanted = Regex.Match(json.InnerException?.Message ?? "", @"\bas an? (?<kind>\w+)");
            return (member, $"{member}: must be {Expected(wanted.Success ? wanted.Groups["kind"].Value : json.Message)} in the JSON body");
        }
        var query = Regex.Match(bad.Message, "^Failed to bind parameter \"(?<type>.+) (?<name>[^\" ]+)\" from \"(?<value>[^\"]*)\"");
        if (!query.Success) return null;
        var name = query.Groups["name"].Value;
        return (name, $"{name}: must be {Expected(query.Groups["type"].Value)}, not '{query.Groups["value"].Value}'");
    }

    /// <summary>What a value of the type named in <paramref name="text"/> (a .NET type, as errors name it) looks like.</summary>
    private static string Expected(string text) =>
        Matches(text, @"\b(System\.)?Boolean\b|\bbool\b") ? "true or false"
        : Matches(text, @"\b(System\.)?(Int32|Int64)\b|\b(int|long)\b") ? "a whole number"
        : Matches(text, @"\b(System\.)?(Double|Single|Decimal)\b|\b(double|float|number)\b") ? "a number"
        : Matches(text, @"\b(System\.)?String\b|\bstring\b") ? "a string"
        : "of the type this field takes";

    private static bool Matches(string text, string pattern) => Regex.IsMatch(text, pattern, RegexOptions.IgnoreCase);

    public static string TooLarge(long maxRequestBytes) =>
        $"request body: larger than the limit of {maxRequestBytes / (1024.0 * 1024.0):0.#} MB";

    /// <summary>The request field a refused setting came from.</summary>
    private static string Field(VisageSetting setting) => setting switch
    {
        VisageSetting.Threshold => "threshold",
        VisageSetting.FalseAcceptRate => "falseAcceptRate",
        VisageSetting.PersonName => "name",
        VisageSetting.MaxMegapixels => "maxMegapixels",
        _ => char.ToLowerInvariant(setting.ToString()[0]) + setting.ToString()[1..],
    };

    private static string Snake(string pascal) =>
        string.Concat(pascal.Select((c, i) => char.IsUpper(c) && i > 0 ? "_" + char.ToLowerInvariant(c) : char.ToLowerInvariant(c).ToString()));

    internal static string OneLine(string text) => PersonName.Printable(text.ReplaceLineEndings(" ").Trim());
}

/// <summary>Turns any exception an endpoint lets out into the problem Problems describes.</summary>
internal sealed class VisageExceptionHandler(ServerOptions options) : IExceptionHandler
{
    public async ValueTask<bool> TryHandleAsync(HttpContext context, Exception exception, CancellationToken ct)
    {
        if (exception is OperationCanceledException && context.RequestAborted.IsCancellationRequested) return true;
        var (status, detail, extensions) = Problems.Describe(exception, options.MaxRequestBytes);
        if (exception is GalleryException { Problem: GalleryProblem.Locked })
            context.Response.Headers.RetryAfter = "10";
        await Problems.WriteAsync(context, status, detail, extensions);
        return true;
    }
}
