namespace Visage.Models;

/// <summary>Channel order a network expects in its input tensor.</summary>
internal enum ColorOrder { Bgr, Rgb }
