using Visage.Recognition;

namespace Visage.Evaluation;

/// <summary>
/// What a pair file's header says: "N" (one set of N same and N different pairs, as View 1) or
/// "S N" (S sets of N same then N different pairs, as View 2's pairs.txt).
/// </summary>
public sealed record PairFileLayout(int? Sets, int? PairsPerHalf)
{
    public static PairFileLayout Parse(string header)
    {
        var fields = header.Split(['\t', ' '], StringSplitOptions.RemoveEmptyEntries);
        return fields.Length switch
        {
            1 when int.TryParse(fields[0], out var n) => new PairFileLayout(1, n),
            2 when int.TryParse(fields[0], out var s) && int.TryParse(fields[1], out var n) => new PairFileLayout(s, n),
            _ => new PairFileLayout(null, null),
        };
    }
}
