namespace Visage.Models;

/// <summary>Channel order a network expects in its input tensor.</summary>
public enum ColorOrder { Bgr, Rgb }
