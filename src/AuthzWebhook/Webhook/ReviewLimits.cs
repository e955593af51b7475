using System.Text.Json;

namespace AuthzWebhook.Webhook;

/// <summary>
/// The bounds a review must keep (<see cref="WebhookOptions"/>), read once so that the hot path does no option lookups.
/// A review over any of them is refused with HTTP 400, never decided.
/// </summary>
internal sealed class ReviewLimits
{
    public static readonly ReviewLimits Default = new(new WebhookOptions());

    public ReviewLimits(WebhookOptions options)
    {
        MaxBodyBytes = options.MaxBodyBytes;
        ReaderOptions = new JsonReaderOptions { MaxDepth = options.MaxJsonDepth, CommentHandling = JsonCommentHandling.Disallow };
        MaxStringLength = options.MaxStringLength;
        MaxGroups = options.MaxGroups;
        MaxExtraKeys = options.MaxExtraKeys;
        MaxExtraValues = options.MaxExtraValues;
    }

    public int MaxBodyBytes { get; }

    public JsonReaderOptions ReaderOptions { get; }

    public int MaxStringLength { get; }

    public int MaxGroups { get; }

    public int MaxExtraKeys { get; }

    public int MaxExtraValues { get; }
}
