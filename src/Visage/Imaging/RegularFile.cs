using System.Runtime.InteropServices;
using Microsoft.Win32.SafeHandles;

namespace Visage.Imaging;

/// <summary>
/// Reads a file only when it is a regular file of bounded size. Opening a FIFO named like a photo would block
/// until someone writes to it, and a device such as /dev/zero never ends; both are refused instead.
/// </summary>
internal static class RegularFile
{
    private const int ReadOnly = 0;
    private const int NonBlocking = 0x800;
    private const int CloseOnExec = 0x80000;

    [DllImport("libc", EntryPoint = "open", SetLastError = true)]
    private static extern int OpenNative([MarshalAs(UnmanagedType.LPUTF8Str)] string path, int flags);

    /// <summary>The file's bytes; throws <see cref="IOException"/> (with a short reason) for anything else.</summary>
    public static async Task<byte[]> ReadAllBytesAsync(string path, long maxBytes, CancellationToken ct)
    {
        if (Directory.Exists(path)) throw new IOException("it is a folder");
        await using var stream = Open(path);
        if (!stream.CanSeek) throw new IOException("not a regular file (a pipe, socket or device)");
        var length = stream.Length;
        if (length > maxBytes)
            throw new IOException($"{length:N0} bytes, more than the {maxBytes:N0} an image may have");
        var bytes = new byte[length];
        await stream.ReadExactlyAsync(bytes, ct).ConfigureAwait(false);
        return bytes;
    }

    private static FileStream Open(string path)
    {
        if (!OperatingSystem.IsLinux())
            return new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.Read, 1, FileOptions.Asynchronous);
        // O_NONBLOCK makes open() return at once for a FIFO; a regular file reads as usual.
        var fd = OpenNative(path, ReadOnly | NonBlocking | CloseOnExec);
        if (fd < 0)
        {
            var errno = Marshal.GetLastPInvokeError();
            throw errno switch
            {
                2 => new FileNotFoundException("no such file", path),
                13 or 1 => new UnauthorizedAccessException("permission denied"),
                36 => new PathTooLongException("path too long"),
                _ => new IOException(Marshal.GetPInvokeErrorMessage(errno)),
            };
        }
        return new FileStream(new SafeFileHandle(fd, ownsHandle: true), FileAccess.Read, 1);
    }
}
