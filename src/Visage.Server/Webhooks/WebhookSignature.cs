using System.Security.Cryptography;
using System.Text;

namespace Visage.Server.Webhooks;

/// <summary>
/// How a receiver checks that a post came from this service: the header <c>X-Visage-Signature: sha256=HEX</c>, HEX
/// being the HMAC-SHA256 of the exact body bytes under the webhook's secret (as GitHub's webhooks sign).
/// </summary>
public static class WebhookSignature
{
    public const string Header = "X-Visage-Signature";
    public const string EventHeader = "X-Visage-Event";
    public const string DeliveryHeader = "X-Visage-Delivery";

    public static string Sign(string secret, ReadOnlySpan<byte> body) =>
        "sha256=" + Convert.ToHexStringLower(HMACSHA256.HashData(Encoding.UTF8.GetBytes(secret), body));

    /// <summary>Whether <paramref name="header"/> is the signature of <paramref name="body"/>, compared in constant time.</summary>
    public static bool Verify(string secret, ReadOnlySpan<byte> body, string? header) =>
        header is not null && CryptographicOperations.FixedTimeEquals(
            Encoding.ASCII.GetBytes(Sign(secret, body)), Encoding.ASCII.GetBytes(header));
}
