// The suite drives Linux itself (chattr, FIFOs, signals, Debian's servers): it runs only there.
[assembly: System.Runtime.Versioning.SupportedOSPlatform("linux")]
