using System.Globalization;
using System.Text;

namespace Visage.Recognition;

/// <summary>
/// The rules for a person's name: Unicode NFC (so "José" typed and "José" read from a macOS file name are one
/// person), no leading or trailing blanks, not empty, at most <see cref="MaxLength"/> characters, and no control
/// or invisible formatting characters (escape codes and newlines would reach terminals and logs raw; a
/// right-to-left override would disguise a name). Joiners used inside emoji and scripts are allowed.
/// </summary>
public static class PersonName
{
    public const int MaxLength = 128;

    private const char ZeroWidthNonJoiner = '\u200C';
    private const char ZeroWidthJoiner = '\u200D';

    /// <summary>The name as stored; throws <see cref="InvalidSettingException"/> saying what is wrong with it.</summary>
    public static string Normalize(string name) =>
        TryNormalize(name, out var normalized, out var problem)
            ? normalized
            : throw new InvalidSettingException(VisageSetting.PersonName, problem!);

    public static bool TryNormalize(string? name, out string normalized, out string? problem)
    {
        normalized = "";
        if (name is null)
        {
            problem = "a person's name is needed";
            return false;
        }
        var shown = Printable(name);
        foreach (var rune in name.EnumerateRunes())
        {
            var category = Rune.GetUnicodeCategory(rune);
            if (category is UnicodeCategory.Control or UnicodeCategory.LineSeparator or UnicodeCategory.ParagraphSeparator
                || (category == UnicodeCategory.Format && rune.Value is not (ZeroWidthJoiner or ZeroWidthNonJoiner)))
            {
                problem = $"name '{shown}' holds a control or invisible character (U+{rune.Value:X4})";
                return false;
            }
        }
        var trimmed = name.Normalize(NormalizationForm.FormC).Trim();
        if (trimmed.Length == 0)
        {
            problem = name.Length == 0 ? "a person's name cannot be empty" : $"name '{shown}' is blank";
            return false;
        }
        if (trimmed.Length > MaxLength)
        {
            problem = $"name '{shown[..Math.Min(shown.Length, 40)]}...' is longer than {MaxLength} characters";
            return false;
        }
        normalized = trimmed;
        problem = null;
        return true;
    }

    /// <summary>Text with every control character shown as \uXXXX, safe to print on a terminal or in a log.</summary>
    public static string Printable(string text)
    {
        if (!text.Any(c => char.IsControl(c) || CharUnicodeInfo.GetUnicodeCategory(c) == UnicodeCategory.Format))
            return text;
        var builder = new StringBuilder(text.Length + 8);
        foreach (var c in text)
        {
            if (char.IsControl(c) || CharUnicodeInfo.GetUnicodeCategory(c) == UnicodeCategory.Format)
                builder.Append(CultureInfo.InvariantCulture, $"\\u{(int)c:X4}");
            else
                builder.Append(c);
        }
        return builder.ToString();
    }
}
