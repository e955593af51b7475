namespace AuthzWebhook.Hosting;

/// <summary>
/// Kestrel's request header limits, set explicitly for every listener (Kestrel applies them server-wide). A request over
/// them is answered by Kestrel itself (431 for headers, 414 for the request line, 400 otherwise) before any endpoint runs.
/// The defaults are Kestrel's own: roomy for a bearer token with many groups, small enough that headers cost little.
/// </summary>
internal sealed class RequestHeaderLimitsOptions
{
    public const string Section = "AuthzWebhook:RequestLimits";

    /// <summary>All request headers together, in bytes (HTTP/1.1 and HTTP/2).</summary>
    public int MaxRequestHeadersTotalSize { get; set; } = 32 * 1024;

    /// <summary>Most request headers.</summary>
    public int MaxRequestHeaderCount { get; set; } = 100;

    /// <summary>Longest HTTP/1.1 request line (method, path with query, version), in bytes.</summary>
    public int MaxRequestLineSize { get; set; } = 8 * 1024;
}
