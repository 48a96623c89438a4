using Visage.Video;

namespace Visage.Server.Webhooks;

/// <summary>
/// An address the service posts camera events to, signed with <see cref="Secret"/>; <see cref="Events"/> limits
/// which kinds (all when empty).
/// </summary>
public sealed record Webhook(string Id, string Url, string Secret, IReadOnlyList<WatchEventKind> Events, bool Enabled,
    DateTimeOffset CreatedAt)
{
    /// <summary>The address with any password or token in it masked (what responses show).</summary>
    public string MaskedUrl => new VideoSource.Url(Url).ToString();

    public bool Wants(WatchEventKind kind) => Enabled && (Events.Count == 0 || Events.Contains(kind));
}

/// <summary>One attempt to deliver one event to one webhook: the HTTP status (null when none came), or why it failed.</summary>
public sealed record WebhookDelivery(long Id, string Webhook, long Event, WatchEventKind Kind, int Attempt,
    DateTimeOffset Time, int? Status, string? Error, double Milliseconds, bool Delivered);
