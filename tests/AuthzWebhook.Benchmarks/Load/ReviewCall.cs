using System.Net;
using System.Net.Http.Headers;

namespace AuthzWebhook.Benchmarks.Load;

/// <summary>One review sent over the pooled mutual-TLS client; true when the answer is HTTP 200 and says allowed.</summary>
internal sealed class ReviewCall(HttpClient client, Uri uri, byte[] body)
{
    private static readonly MediaTypeHeaderValue Json = new("application/json");
    private static readonly byte[] AllowedTrue = "\"allowed\":true"u8.ToArray();

    public async Task<bool> SendAsync(CancellationToken cancellationToken)
    {
        using var content = new ByteArrayContent(body);
        content.Headers.ContentType = Json;
        using var request = new HttpRequestMessage(HttpMethod.Post, uri) { Content = content, Version = HttpVersion.Version11, VersionPolicy = HttpVersionPolicy.RequestVersionExact };
        using var response = await client.SendAsync(request, HttpCompletionOption.ResponseContentRead, cancellationToken);
        var answer = await response.Content.ReadAsByteArrayAsync(cancellationToken);
        return response.StatusCode == HttpStatusCode.OK && answer.AsSpan().IndexOf(AllowedTrue) >= 0;
    }

    /// <summary>
    /// As <see cref="SendAsync"/>, but a transport failure counts as a failed request rather than ending the run
    /// (unless the run itself is being cancelled).
    /// </summary>
    public async Task<bool> TrySendAsync(CancellationToken cancellationToken)
    {
        try
        {
            return await SendAsync(cancellationToken);
        }
        catch (Exception ex) when (ex is HttpRequestException or IOException or TaskCanceledException && !cancellationToken.IsCancellationRequested)
        {
            return false;
        }
    }

    /// <summary>Sends one review and returns the answer text, to show what a failing endpoint says.</summary>
    public async Task<string> DescribeAsync(CancellationToken cancellationToken)
    {
        using var content = new ByteArrayContent(body);
        content.Headers.ContentType = Json;
        using var response = await client.PostAsync(uri, content, cancellationToken);
        return $"HTTP {(int)response.StatusCode}: {await response.Content.ReadAsStringAsync(cancellationToken)}";
    }
}
