using Microsoft.Extensions.Options;

namespace AuthzWebhook.Notifications;

/// <summary>
/// Reports every problem at once, naming the configuration key. URLs and header values are never echoed: chat
/// webhook URLs and authorization headers are secrets.
/// </summary>
internal sealed class NotificationOptionsValidator : IValidateOptions<NotificationOptions>
{
    private const string Section = NotificationOptions.Section;

    private static readonly string EventList = string.Join(", ", NotificationEvents.All);

    public ValidateOptionsResult Validate(string? name, NotificationOptions options)
    {
        var failures = new List<string>();
        var names = new Dictionary<string, int>(StringComparer.OrdinalIgnoreCase);
        for (var i = 0; i < options.Receivers.Length; i++)
        {
            ValidateReceiver(failures, $"{Section}:Receivers:{i}", i, options.Receivers[i], names);
        }

        if (options.PollInterval < TimeSpan.FromMilliseconds(100) || options.PollInterval > TimeSpan.FromMinutes(10))
        {
            failures.Add($"{Section}:PollInterval must be between 00:00:00.1 and 00:10:00 (default 00:00:02).");
        }

        if (options.MaxAttempts is < 1 or > 100)
        {
            failures.Add($"{Section}:MaxAttempts must be between 1 and 100 (default 8).");
        }

        if (options.InitialBackoff < TimeSpan.FromMilliseconds(100))
        {
            failures.Add($"{Section}:InitialBackoff must be at least 00:00:00.1 (default 00:00:02).");
        }

        if (options.MaxBackoff < options.InitialBackoff || options.MaxBackoff > TimeSpan.FromDays(1))
        {
            failures.Add($"{Section}:MaxBackoff must be between InitialBackoff and 1.00:00:00 (default 00:05:00).");
        }

        if (options.Timeout < TimeSpan.FromSeconds(1) || options.Timeout > TimeSpan.FromMinutes(5))
        {
            failures.Add($"{Section}:Timeout must be between 00:00:01 and 00:05:00 (default 00:00:10).");
        }

        if (!string.IsNullOrWhiteSpace(options.Link) && !IsLinkTemplate(options.Link))
        {
            failures.Add($"{Section}:Link must be an absolute http(s) URL containing {NotificationOptions.LinkPlaceholder}, e.g. https://authz.example.com/elevations/{NotificationOptions.LinkPlaceholder}, or be left out.");
        }

        return failures.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(failures);
    }

    private static void ValidateReceiver(List<string> failures, string key, int index, NotificationReceiver? receiver, Dictionary<string, int> names)
    {
        if (receiver is null)
        {
            failures.Add($"{key} is empty: give it Name, Url, Format and Events.");
            return;
        }

        if (!IsName(receiver.Name))
        {
            failures.Add($"{key}:Name must be 1-63 letters, digits, '.', '-' or '_', e.g. sre-slack.");
        }
        else if (names.TryGetValue(receiver.Name, out var first))
        {
            failures.Add($"{key}:Name '{receiver.Name}' is already used by {Section}:Receivers:{first}; receiver names must be unique.");
        }
        else
        {
            names.Add(receiver.Name, index);
        }

        if (!IsReceiverUrl(receiver.Url))
        {
            failures.Add($"{key}:Url must be an absolute https URL (http only for localhost or a loopback address).");
        }

        if (!NotificationFormats.IsKnown(receiver.Format))
        {
            failures.Add($"{key}:Format must be slack, teams or json.");
        }

        if (receiver.Events.Length == 0)
        {
            failures.Add($"{key}:Events is required: list the events to send, from {EventList}.");
        }

        for (var e = 0; e < receiver.Events.Length; e++)
        {
            if (!Array.Exists(NotificationEvents.All, known => string.Equals(known, receiver.Events[e], StringComparison.Ordinal)))
            {
                failures.Add($"{key}:Events:{e} '{receiver.Events[e]}' is not an event; use {EventList}.");
            }
        }

        using var probe = new HttpRequestMessage();
        foreach (var (header, value) in receiver.Headers)
        {
            // Content headers (Content-Type) are set by the formatter; the probe refuses them along with invalid names.
            if (!probe.Headers.TryAddWithoutValidation(header, "probe"))
            {
                failures.Add($"{key}:Headers:{header} is not a request header this service may set; use e.g. Authorization.");
            }
            else if (value is null || value.AsSpan().IndexOfAny('\r', '\n', '\0') >= 0)
            {
                failures.Add($"{key}:Headers:{header} must have a value without line breaks (the value is not shown).");
            }
        }
    }

    private static bool IsName(string? name) =>
        name is { Length: >= 1 and <= 63 } && name.All(c => char.IsAsciiLetterOrDigit(c) || c is '.' or '-' or '_');

    private static bool IsReceiverUrl(string? url) =>
        Uri.TryCreate(url, UriKind.Absolute, out var uri)
        && (uri.Scheme == Uri.UriSchemeHttps || (uri.Scheme == Uri.UriSchemeHttp && uri.IsLoopback));

    private static bool IsLinkTemplate(string link) =>
        link.Contains(NotificationOptions.LinkPlaceholder, StringComparison.Ordinal)
        && Uri.TryCreate(link.Replace(NotificationOptions.LinkPlaceholder, Guid.Empty.ToString("D"), StringComparison.Ordinal), UriKind.Absolute, out var uri)
        && (uri.Scheme == Uri.UriSchemeHttps || uri.Scheme == Uri.UriSchemeHttp);
}
