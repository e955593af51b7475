namespace AuthzWebhook.Elevations;

/// <summary>
/// Cross-origin access to the API from browser front ends. Off unless origins are listed: the API's own clients are
/// scripts and command-line tools, which CORS does not concern.
/// </summary>
internal sealed class ApiCorsOptions
{
    /// <summary>Exact <c>https://host[:port]</c> origins that may call the API from a browser; no wildcards.</summary>
    public string[] AllowedOrigins { get; set; } = [];

    public bool Enabled => AllowedOrigins.Length > 0;
}
