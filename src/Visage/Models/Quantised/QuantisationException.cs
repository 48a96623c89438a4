namespace Visage.Models.Quantised;

/// <summary>A network the int8 quantiser cannot handle, or calibration ranges that do not fit it.</summary>
internal sealed class QuantisationException(string network, string message) : VisageException($"{network}: {message}")
{
    public string Network { get; } = network;
}
